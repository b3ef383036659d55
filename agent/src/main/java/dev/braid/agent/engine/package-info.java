/**
 * The data plane engine, free of protocol: its event loops, both here. One {@link
 * dev.braid.agent.engine.Worker} thread per core owns a SO_REUSEPORT UDP socket and a queue of a
 * multiqueue TUN device, with every packet of a session steered to the worker that owns it and
 * replies leaving from the address each peer sent to; the {@link dev.braid.agent.engine.TcpLoop}
 * serves OpenVPN over TCP (and MPTCP) on the same port, de-framing its streams through {@code
 * transport.tcp}. Both feed the protocol layer through the same seam: {@link
 * dev.braid.agent.engine.DatagramHandler} (packets with the {@link dev.braid.agent.engine.Path}
 * they came over), {@link dev.braid.agent.engine.TunHandler} and {@link
 * dev.braid.agent.engine.LoopTimer}, answering through a {@link
 * dev.braid.agent.engine.LoopContext}; {@link dev.braid.agent.engine.Loops} wakes a loop for
 * hand-offs. Tests implement those interfaces in memory to drive handlers without a kernel. The
 * parts are meant to be put together again: a {@link dev.braid.agent.engine.UdpPort} is one socket
 * with its batches (a loop with one per uplink sends each {@link dev.braid.agent.engine.UdpPath}
 * through the port of its local address), {@code TunOutput} a loop's TUN writer, {@link
 * dev.braid.agent.engine.ReceiveHold} and {@link dev.braid.agent.engine.LoopCounters} its receive
 * moderation and counters. The {@link dev.braid.agent.engine.SessionTable} is the only structure
 * workers share.
 */
package dev.braid.agent.engine;
