package dev.braid.agent.openvpn.client;

import dev.braid.agent.openvpn.session.Session;
import dev.braid.agent.openvpn.session.SessionEvent;
import java.nio.ByteBuffer;
import java.util.BitSet;

/**
 * Numbered packets both ways through a {@link ClientServerNet}: each {@link #tick} sends one from
 * the client and one from the server's session; {@link #count} reads what arrived, so a test can
 * say how many of each direction got through.
 */
final class Traffic {
  private final ClientServerNet net;
  int clientSent;
  int serverSent;
  private final BitSet atServer = new BitSet();
  private final BitSet atClient = new BitSet();
  private int serverEventsSeen;
  private int clientEventsSeen;

  Traffic(ClientServerNet net) {
    this.net = net;
  }

  static byte[] packet(int direction, int seq) {
    return ByteBuffer.allocate(24).put((byte) 0x45).put((byte) direction).putInt(seq).array();
  }

  void tick() {
    if (net.client.sendTunPacket(packet(1, clientSent), net.now, net.clientOut)) {
      clientSent++;
    }
    Session<String> s = net.serverSession();
    if (s != null && s.sendToClient(packet(2, serverSent), net.now, net.serverOut)) {
      serverSent++;
    }
  }

  /** One packet each way, delivered at once. */
  void roundTrip() {
    tick();
    net.deliver();
  }

  /** Reads the events since the last call. */
  void count() {
    var se = net.serverEvents;
    for (; serverEventsSeen < se.size(); serverEventsSeen++) {
      if (se.get(serverEventsSeen) instanceof SessionEvent.TunPacket t && t.packet()[1] == 1) {
        atServer.set(ByteBuffer.wrap(t.packet()).getInt(2));
      }
    }
    var ce = net.clientEvents;
    for (; clientEventsSeen < ce.size(); clientEventsSeen++) {
      if (ce.get(clientEventsSeen) instanceof ClientEvent.TunPacket<String> t
          && t.packet()[1] == 2) {
        atClient.set(ByteBuffer.wrap(t.packet()).getInt(2));
      }
    }
  }

  int receivedByServer() {
    count();
    return atServer.cardinality();
  }

  int receivedByClient() {
    count();
    return atClient.cardinality();
  }
}
