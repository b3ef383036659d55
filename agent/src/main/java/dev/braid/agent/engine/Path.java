package dev.braid.agent.engine;

import java.net.InetSocketAddress;

/**
 * One way to reach a peer, as a loop received it and as replies go back: a UDP address pair on a
 * worker's socket ({@link UdpPath}), or one accepted TCP connection of the TCP loop ({@link
 * TcpPath}). A session may own several paths; {@code equals} identifies a path.
 */
public sealed interface Path permits UdpPath, TcpPath {
  /** The peer's address and port. */
  InetSocketAddress remote();
}
