package dev.braid.agent.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The bytes handed to the kernel: sockaddrs and the PKTINFO control messages. */
class SockAddrAndPktinfoTest {
  @Test
  void ipv4OnAnIpv4SocketIsASockaddrIn() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(SockAddr.MAX_SIZE);
      InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 1194);
      assertThat(SockAddr.encode(a, Linux.AF_INET, m, 0)).isEqualTo(16);
      assertThat(SockAddr.bytes(m, 0, 8)).containsExactly(2, 0, 0x04, (byte) 0xAA, 10, 1, 2, 3);
      assertThat(SockAddr.decode(m, 0)).isEqualTo(a);
    }
  }

  @Test
  void ipv4OnADualStackSocketIsMappedAndComesBackAsIpv4() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(SockAddr.MAX_SIZE);
      InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 53);
      assertThat(SockAddr.encode(a, Linux.AF_INET6, m, 0)).isEqualTo(28);
      assertThat(SockAddr.bytes(m, 8, 16))
          .containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 10, 1, 2, 3);
      assertThat(SockAddr.decode(m, 0)).isEqualTo(a);
    }
  }

  @Test
  void ipv6RoundTrips() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(SockAddr.MAX_SIZE);
      InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("fd00::1"), 443);
      SockAddr.encode(a, Linux.AF_INET6, m, 0);
      assertThat(SockAddr.decode(m, 0)).isEqualTo(a);
    }
  }

  @Test
  void ipPktinfoCarriesIfindexAndSourceInSpecDst() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(DatagramVector.CONTROL_SIZE, 8);
      long space =
          Pktinfo.write(
              m,
              0,
              InetAddress.getByName("192.0.2.1"),
              7,
              new InetSocketAddress(InetAddress.getByName("198.51.100.9"), 1));
      assertThat(space).isEqualTo(32);
      assertThat(m.get(JAVA_LONG, 0)).as("cmsg_len").isEqualTo(28);
      assertThat(m.get(JAVA_INT, 8)).as("cmsg_level").isEqualTo(0);
      assertThat(m.get(JAVA_INT, 12)).as("cmsg_type").isEqualTo(8);
      assertThat(m.get(JAVA_INT, 16)).as("ipi_ifindex").isEqualTo(7);
      assertThat(SockAddr.bytes(m, 20, 4)).as("ipi_spec_dst").containsExactly(192, 0, 2, 1);
      assertThat(m.get(JAVA_INT, 24)).as("ipi_addr").isZero();
    }
  }

  @Test
  void ipv6PktinfoCarriesSourceAndIfindex() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(DatagramVector.CONTROL_SIZE, 8);
      long space =
          Pktinfo.write(
              m,
              0,
              InetAddress.getByName("fd00::2"),
              3,
              new InetSocketAddress(InetAddress.getByName("fd00::9"), 1));
      assertThat(space).isEqualTo(40);
      assertThat(m.get(JAVA_LONG, 0)).as("cmsg_len").isEqualTo(36);
      assertThat(m.get(JAVA_INT, 8)).as("cmsg_level").isEqualTo(41);
      assertThat(m.get(JAVA_INT, 12)).as("cmsg_type").isEqualTo(50);
      assertThat(m.get(JAVA_BYTE, 16)).isEqualTo((byte) 0xfd);
      assertThat(m.get(JAVA_BYTE, 31)).isEqualTo((byte) 2);
      assertThat(m.get(JAVA_INT, 32)).as("ipi6_ifindex").isEqualTo(3);
    }
  }
}
