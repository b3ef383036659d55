package dev.braid.agent.openvpn.tlswrap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResetDefencesTest {
  private static final long S = 1_000_000_000L;
  private static final byte[] PEER = {10, 0, 0, 2, 0x04, (byte) 0xAA};
  private static final byte[] OTHER_PEER = {10, 0, 0, 3, 0x04, (byte) 0xAA};

  @Test
  void cookieIsValidForItsSlotAndTwoMoreThenExpires() {
    ResetCookie c = new ResetCookie(new byte[32], 30 * S);
    long sid = c.serverSessionId(PEER, 42, 5 * S);
    assertThat(sid).isNotZero();
    assertThat(c.verify(PEER, 42, sid, 5 * S)).isTrue();
    assertThat(c.verify(PEER, 42, sid, 89 * S)).isTrue();
    assertThat(c.verify(PEER, 42, sid, 90 * S)).isFalse();
    assertThat(c.verify(OTHER_PEER, 42, sid, 5 * S)).isFalse();
    assertThat(c.verify(PEER, 43, sid, 5 * S)).isFalse();
    assertThat(c.verify(PEER, 42, sid ^ 1, 5 * S)).isFalse();
  }

  @Test
  void rateLimiterAllowsBurstThenSustainedRate() {
    ResetRateLimiter l = new ResetRateLimiter(10, 3);
    assertThat(l.tryAcquire(0)).isTrue();
    assertThat(l.tryAcquire(0)).isTrue();
    assertThat(l.tryAcquire(0)).isTrue();
    assertThat(l.tryAcquire(0)).isFalse();
    assertThat(l.tryAcquire(S / 20)).isFalse();
    assertThat(l.tryAcquire(S / 10)).isTrue();
    assertThat(l.tryAcquire(10 * S)).isTrue();
  }
}
