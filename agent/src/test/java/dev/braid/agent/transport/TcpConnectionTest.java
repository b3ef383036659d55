package dev.braid.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.openvpn.push.AddressPool;
import dev.braid.agent.openvpn.reliable.ReliableConfig;
import dev.braid.agent.openvpn.session.Output;
import dev.braid.agent.openvpn.session.ServerConfig;
import dev.braid.agent.openvpn.session.ServerSessions;
import dev.braid.agent.openvpn.tlswrap.ControlWrap;
import dev.braid.agent.openvpn.tlswrap.ResetCookie;
import dev.braid.agent.openvpn.tlswrap.ResetRateLimiter;
import dev.braid.agent.openvpn.wire.ControlCodec;
import dev.braid.agent.openvpn.wire.ControlPacket;
import dev.braid.agent.openvpn.wire.DropReason;
import dev.braid.agent.openvpn.wire.Opcode;
import dev.braid.agent.openvpn.wire.TcpFramer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TcpConnectionTest {
  private static ServerSessions<String> sessions() {
    return new ServerSessions<>(
        // the stream already repairs loss, so a TCP listener sends every packet once
        ServerConfig.defaults(ControlWrap.NONE, null)
            .withReliable(ReliableConfig.braid().withoutRedundancy()),
        new ResetCookie(new byte[32], 30_000_000_000L),
        new ResetRateLimiter(100, 10),
        new AddressPool("10.8.0.0/24"),
        p -> p.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] reset(long sid) {
    return ControlCodec.encode(
        new ControlPacket(
            Opcode.CONTROL_HARD_RESET_CLIENT_V2, 0, sid, new int[0], 0, 0, new byte[0]));
  }

  @Test
  void resetsSplitAcrossReadsAreAnsweredOnTheSameStream() {
    TcpConnection<String> conn = new TcpConnection<>("tcp#1", sessions());
    Output<String> out = new Output<>();
    byte[] stream = new byte[0];
    for (long sid = 1; sid <= 2; sid++) {
      byte[] f = TcpFramer.frame(reset(sid));
      byte[] s = new byte[stream.length + f.length];
      System.arraycopy(stream, 0, s, 0, stream.length);
      System.arraycopy(f, 0, s, stream.length, f.length);
      stream = s;
    }
    for (int i = 0; i < stream.length; i += 5) {
      assertThat(conn.onBytes(stream, i, Math.min(5, stream.length - i), 0, out)).isTrue();
    }
    assertThat(out.datagrams()).hasSize(2).allSatisfy(d -> assertThat(d.path()).isEqualTo("tcp#1"));

    TcpFramer client = new TcpFramer(TcpConnection.MAX_PACKET);
    byte[] reply = conn.encode(out);
    var packets = client.feed(reply, 0, reply.length);
    assertThat(packets).hasSize(2);
    ControlPacket first = ControlCodec.decode(packets.get(0), 0, packets.get(0).length).value();
    assertThat(first.opcode()).isEqualTo(Opcode.CONTROL_HARD_RESET_SERVER_V2);
    assertThat(first.peerSessionId()).isEqualTo(1);
    assertThat(first.acks()).containsExactly(0);
  }

  @Test
  void garbageLengthEndsTheConnection() {
    TcpConnection<String> conn = new TcpConnection<>("tcp#2", sessions());
    Output<String> out = new Output<>();
    assertThat(conn.onBytes(new byte[] {(byte) 0xFF, (byte) 0xFF, 1, 2}, 0, 4, 0, out)).isFalse();
    assertThat(conn.failure()).isEqualTo(DropReason.TCP_LENGTH_TOO_LARGE);
    assertThat(out.datagrams()).isEmpty();
  }
}
