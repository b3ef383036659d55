package dev.braid.agent.openvpn.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ControlCodecTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final long CLIENT_SID = 0x1122334455667788L;
  private static final long SERVER_SID = 0x0102030405060708L;

  private static Decoded<ControlPacket> decode(String hex) {
    byte[] b = HEX.parseHex(hex.replace(" ", ""));
    return ControlCodec.decode(b, 0, b.length);
  }

  @Test
  void clientHardResetV2() {
    ControlPacket p = decode("38 1122334455667788 00 00000000").value();
    assertThat(p.opcode()).isEqualTo(Opcode.CONTROL_HARD_RESET_CLIENT_V2);
    assertThat(p.keyId()).isZero();
    assertThat(p.sessionId()).isEqualTo(CLIENT_SID);
    assertThat(p.acks()).isEmpty();
    assertThat(p.messageId()).isZero();
    assertThat(p.payload()).isEmpty();
  }

  @Test
  void serverHardResetReplyEncodesAckAndPeerSessionId() {
    ControlPacket p =
        new ControlPacket(
            Opcode.CONTROL_HARD_RESET_SERVER_V2,
            0,
            SERVER_SID,
            new int[] {0},
            CLIENT_SID,
            0,
            new byte[0]);
    assertThat(HEX.formatHex(ControlCodec.encode(p)))
        .isEqualTo("40" + "0102030405060708" + "01" + "00000000" + "1122334455667788" + "00000000");
  }

  @Test
  void ackV1WithoutMessageIdAndControlV1WithPayloadRoundTrip() {
    ControlPacket ack =
        new ControlPacket(
            Opcode.ACK_V1, 2, SERVER_SID, new int[] {1, 2}, CLIENT_SID, 0, new byte[0]);
    byte[] wire = ControlCodec.encode(ack);
    assertThat(HEX.formatHex(wire))
        .isEqualTo("2a" + "0102030405060708" + "02" + "00000001" + "00000002" + "1122334455667788");
    assertThat(ControlCodec.decode(wire, 0, wire.length).value().acks()).containsExactly(1, 2);

    ControlPacket data =
        new ControlPacket(
            Opcode.CONTROL_V1, 1, CLIENT_SID, new int[0], 0, 0xFFFFFFFE, new byte[] {0x16, 0x03});
    byte[] enc = ControlCodec.encode(data);
    assertThat(HEX.formatHex(enc))
        .isEqualTo("21" + "1122334455667788" + "00" + "fffffffe" + "1603");
    ControlPacket back = ControlCodec.decode(enc, 0, enc.length).value();
    assertThat(back.messageId()).isEqualTo(0xFFFFFFFE);
    assertThat(back.payload()).containsExactly(0x16, 0x03);
    assertThat(back.keyId()).isEqualTo(1);
  }

  @Test
  void eightAcksAcceptedNineRejected() {
    StringBuilder eight = new StringBuilder("28 0102030405060708 08");
    for (int i = 0; i < 8; i++) {
      eight.append(" 0000000").append(i);
    }
    eight.append(" 1122334455667788");
    assertThat(decode(eight.toString()).value().acks()).hasSize(8);
    assertThat(decode("28 0102030405060708 09").drop()).isEqualTo(DropReason.TOO_MANY_ACKS);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource({
    "'', EMPTY",
    "f8 0102030405060708 00, UNKNOWN_OPCODE",
    "08 0102030405060708 00 00000000, KEY_METHOD_1_RESET",
    "48 0102030405060708, NOT_A_CONTROL_PACKET",
    "38 01020304050607, TRUNCATED_SESSION_ID",
    "38 0000000000000000 00 00000000, ZERO_SESSION_ID",
    "38 0102030405060708, TRUNCATED_ACK_COUNT",
    "20 0102030405060708 02 00000001 000000, TRUNCATED_ACK_IDS",
    "20 0102030405060708 01 00000001 11223344, TRUNCATED_PEER_SESSION_ID",
    "20 0102030405060708 01 00000001 0000000000000000 00000001, ZERO_PEER_SESSION_ID",
    "20 0102030405060708 00 000000, TRUNCATED_MESSAGE_ID",
    "28 0102030405060708 00, ACK_WITHOUT_ACKS",
    "28 0102030405060708 01 00000001 1122334455667788 00, ACK_WITH_TRAILING_BYTES",
  })
  void eachMalformationHasItsOwnReason(String hex, DropReason reason) {
    assertThat(decode(hex == null ? "" : hex).drop()).isEqualTo(reason);
  }
}
