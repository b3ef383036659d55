package dev.braid.agent.nativeio;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.StructLayout;
import org.junit.jupiter.api.Test;

/** Pins every kernel structure to its x86_64 size and field offsets (from the C headers). */
class StructsTest {
  private static void assertLayout(StructLayout layout, long size, Object... fieldOffsets) {
    assertThat(layout.byteSize()).as("sizeof").isEqualTo(size);
    for (int i = 0; i < fieldOffsets.length; i += 2) {
      String field = (String) fieldOffsets[i];
      long expected = ((Number) fieldOffsets[i + 1]).longValue();
      assertThat(Structs.offset(layout, field)).as("offsetof(%s)", field).isEqualTo(expected);
    }
  }

  @Test
  void sockaddrIn() {
    assertLayout(Structs.SOCKADDR_IN, 16, "sin_family", 0, "sin_port", 2, "sin_addr", 4);
  }

  @Test
  void sockaddrIn6() {
    assertLayout(
        Structs.SOCKADDR_IN6,
        28,
        "sin6_family",
        0,
        "sin6_port",
        2,
        "sin6_flowinfo",
        4,
        "sin6_addr",
        8,
        "sin6_scope_id",
        24);
    assertThat(SockAddr.MAX_SIZE).isGreaterThanOrEqualTo((int) Structs.SOCKADDR_IN6.byteSize());
  }

  @Test
  void msghdrAndMmsghdr() {
    assertLayout(
        Structs.MSGHDR,
        56,
        "msg_name",
        0,
        "msg_namelen",
        8,
        "msg_iov",
        16,
        "msg_iovlen",
        24,
        "msg_control",
        32,
        "msg_controllen",
        40,
        "msg_flags",
        48);
    assertLayout(Structs.MMSGHDR, 64, "msg_hdr", 0, "msg_len", 56);
    assertLayout(Structs.IOVEC, 16, "iov_base", 0, "iov_len", 8);
  }

  @Test
  void cmsghdrAndMacros() {
    assertLayout(Structs.CMSGHDR, 16, "cmsg_len", 0, "cmsg_level", 8, "cmsg_type", 12);
    assertThat(Structs.CMSG_DATA).isEqualTo(16);
    assertThat(Structs.cmsgLen(12)).as("CMSG_LEN(sizeof(in_pktinfo))").isEqualTo(28);
    assertThat(Structs.cmsgSpace(12)).as("CMSG_SPACE(sizeof(in_pktinfo))").isEqualTo(32);
    assertThat(Structs.cmsgSpace(20)).as("CMSG_SPACE(sizeof(in6_pktinfo))").isEqualTo(40);
    assertThat(DatagramVector.CONTROL_SIZE)
        .as("room for both PKTINFO messages")
        .isGreaterThanOrEqualTo(72);
  }

  @Test
  void pktinfo() {
    assertLayout(Structs.IN_PKTINFO, 12, "ipi_ifindex", 0, "ipi_spec_dst", 4, "ipi_addr", 8);
    assertLayout(Structs.IN6_PKTINFO, 20, "ipi6_addr", 0, "ipi6_ifindex", 16);
  }

  @Test
  void ifreqEpollAndBpf() {
    assertLayout(Structs.IFREQ, 40, "ifr_name", 0, "ifr_flags", 16);
    assertLayout(Structs.EPOLL_EVENT, 12, "events", 0, "data", 4);
    assertLayout(Structs.SOCK_FILTER, 8, "code", 0, "jt", 2, "jf", 3, "k", 4);
    assertLayout(Structs.SOCK_FPROG, 16, "len", 0, "filter", 8);
  }
}
