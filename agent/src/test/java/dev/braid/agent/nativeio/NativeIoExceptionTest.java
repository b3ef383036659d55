package dev.braid.agent.nativeio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativeIoExceptionTest {
  @Test
  void messageNamesCallErrnoAndContext() {
    NativeIoException e = new NativeIoException("bind", 98, "UDP socket /[::]:1194");
    assertThat(e.getMessage()).isEqualTo("bind failed: EADDRINUSE (98): UDP socket /[::]:1194");
    assertThat(e.errnoName()).isEqualTo("EADDRINUSE");
    assertThat(e.errno()).isEqualTo(98);
    assertThat(e.syscall()).isEqualTo("bind");
  }

  @Test
  void unknownErrnoIsShownAsANumber() {
    assertThat(Errno.name(4000)).isEqualTo("errno 4000");
  }
}
