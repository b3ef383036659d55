package dev.braid.agent.openvpn.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerMessagesTest {
  @Test
  void authFailedStopsWithTheServersReason() {
    CloseReason r = ServerMessages.ending("AUTH_FAILED,certificate revoked");
    assertThat(r.kind()).isEqualTo(CloseReason.Kind.AUTH_FAILED);
    assertThat(r.detail()).isEqualTo("server sent AUTH_FAILED: certificate revoked");
    assertThat(r.retryable()).isFalse();
    assertThat(ServerMessages.ending("AUTH_FAILED").detail()).isEqualTo("server sent AUTH_FAILED");
  }

  @Test
  void authFailedTempCarriesBackoffAndAdvance() {
    CloseReason r = ServerMessages.ending("AUTH_FAILED,TEMP[backoff 42,advance remote]:busy");
    assertThat(r.kind()).isEqualTo(CloseReason.Kind.AUTH_FAILED_TEMP);
    assertThat(r.retryable()).isTrue();
    assertThat(r.advance()).isTrue();
    assertThat(r.serverBackoff()).isEqualTo(Duration.ofSeconds(42));
    assertThat(r.detail()).isEqualTo("server sent AUTH_FAILED,TEMP: busy");

    CloseReason plain = ServerMessages.ending("AUTH_FAILED,TEMP");
    assertThat(plain.advance()).isFalse();
    assertThat(plain.serverBackoff()).isZero();
  }

  @Test
  void restartHaltAndExit() {
    assertThat(ServerMessages.ending("RESTART").advance()).isFalse();
    CloseReason next = ServerMessages.ending("RESTART,[PN]moving you");
    assertThat(next.advance()).isTrue();
    assertThat(next.detail()).isEqualTo("server sent RESTART: moving you");
    CloseReason halt = ServerMessages.ending("HALT,bye");
    assertThat(halt.kind()).isEqualTo(CloseReason.Kind.SERVER_HALT);
    assertThat(halt.retryable()).isFalse();
    assertThat(ServerMessages.ending("EXIT").kind()).isEqualTo(CloseReason.Kind.SERVER_EXIT);
    assertThat(ServerMessages.ending("INFO,hello")).isNull();
    assertThat(ServerMessages.ending("RESTARTING")).isNull();
  }

  @Test
  void infoAndAuthPending() {
    assertThat(ServerMessages.info("INFO,maintenance at 22:00")).isEqualTo("maintenance at 22:00");
    assertThat(ServerMessages.info("INFO_PRE,WEB_AUTH::x")).isEqualTo("WEB_AUTH::x");
    assertThat(ServerMessages.info("PUSH_REPLY,x")).isNull();
    Duration d = Duration.ofSeconds(60);
    assertThat(ServerMessages.authPending("AUTH_PENDING,timeout 300", d))
        .isEqualTo(Duration.ofSeconds(300));
    assertThat(ServerMessages.authPending("AUTH_PENDING", d)).isEqualTo(d);
    assertThat(ServerMessages.authPending("AUTH_FAILED", d)).isNull();
  }
}
