package dev.braid.agent.openvpn.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.openvpn.keys.DataCipher;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataChannelWarmupTest {
  @Test
  void everyWarmUpPacketOpensForEveryCipher() {
    assertThat(DataChannelWarmup.run(List.of(DataCipher.values()), 7)).isEqualTo(21);
  }
}
