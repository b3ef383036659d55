package dev.braid.agent.nativeio;

/** Linux x86_64 constants from the kernel UAPI headers (values checked against the headers). */
final class Linux {
  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int SOCK_STREAM = 1;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_NONBLOCK = 0x800;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int IPPROTO_IP = 0;
  static final int IPPROTO_UDP = 17;
  static final int IPPROTO_IPV6 = 41;
  static final int IPPROTO_MPTCP = 262;

  static final int SOL_SOCKET = 1;
  static final int SO_REUSEADDR = 2;
  static final int SO_SNDBUF = 7;
  static final int SO_RCVBUF = 8;
  static final int SO_REUSEPORT = 15;
  static final int SO_SNDBUFFORCE = 32;
  static final int SO_RCVBUFFORCE = 33;
  static final int SO_ATTACH_REUSEPORT_CBPF = 51;

  static final int IP_PKTINFO = 8;

  /** SOL_UDP option and control message: segment size of a UDP GSO send (linux/udp.h). */
  static final int UDP_SEGMENT = 103;

  static final int IPV6_V6ONLY = 26;
  static final int IPV6_RECVPKTINFO = 49;
  static final int IPV6_PKTINFO = 50;

  static final int MSG_CTRUNC = 0x8;
  static final int MSG_TRUNC = 0x20;
  static final int MSG_DONTWAIT = 0x40;

  static final int O_RDONLY = 0;
  static final int O_RDWR = 2;
  static final int O_NONBLOCK = 0x800;
  static final int O_CLOEXEC = 0x80000;

  static final int EPOLL_CLOEXEC = 0x80000;
  static final int EPOLL_CTL_ADD = 1;
  static final int EPOLL_CTL_DEL = 2;
  static final int EPOLL_CTL_MOD = 3;
  static final int EFD_NONBLOCK = 0x800;
  static final int EFD_CLOEXEC = 0x80000;

  static final int CLONE_NEWNET = 0x40000000;

  static final short IFF_TUN = 0x0001;
  static final short IFF_MULTI_QUEUE = 0x0100;
  static final short IFF_NO_PI = 0x1000;
  static final short IFF_VNET_HDR = 0x4000;
  static final long TUNSETIFF = 0x400454CAL;
  static final long TUNGETFEATURES = 0x800454CFL;
  static final long TUNSETOFFLOAD = 0x400454D0L;
  static final long TUN_F_CSUM = 0x01;
  static final long TUN_F_TSO4 = 0x02;
  static final long TUN_F_TSO6 = 0x04;

  static final int EINTR = 4;
  static final int EIO = 5;
  static final int EAGAIN = 11;
  static final int EINVAL = 22;
  static final int EMSGSIZE = 90;

  private Linux() {}
}
