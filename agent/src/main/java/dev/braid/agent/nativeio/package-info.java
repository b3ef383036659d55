/**
 * Native I/O for the data plane on the Foreign Function &amp; Memory API: UDP sockets that move
 * datagrams in batches and choose each reply's source address (PKTINFO), multiqueue TUN devices,
 * epoll, SO_REUSEPORT steering and kernel capability probes. This is the only agent package that
 * imports {@code java.lang.foreign}; everything above it sees file descriptors, byte buffers and
 * {@link java.net.InetAddress}es, and errors as {@link dev.braid.agent.nativeio.NativeIoException}
 * with the system call and errno.
 */
package dev.braid.agent.nativeio;
