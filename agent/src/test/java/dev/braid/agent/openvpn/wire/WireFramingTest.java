package dev.braid.agent.openvpn.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class WireFramingTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void dataV2HeaderVector() {
    byte[] out = new byte[4];
    new DataV2Header(1, 0x0A0B0C).encode(out, 0);
    assertThat(HEX.formatHex(out)).isEqualTo("490a0b0c");
    DataV2Header h = DataV2Header.decode(out, 0, 4).value();
    assertThat(h.keyId()).isEqualTo(1);
    assertThat(h.peerId()).isEqualTo(0x0A0B0C);
    assertThat(DataV2Header.decode(out, 0, 3).drop()).isEqualTo(DropReason.TRUNCATED_DATA_HEADER);
    assertThat(DataV2Header.decode(HEX.parseHex("30000000"), 0, 4).drop())
        .isEqualTo(DropReason.NOT_A_DATA_PACKET);
  }
}
