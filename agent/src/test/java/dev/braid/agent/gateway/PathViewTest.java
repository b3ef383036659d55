package dev.braid.agent.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.engine.TcpPath;
import dev.braid.agent.engine.UdpPath;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Path ends in status are {@code address:port}, IPv6 bracketed, as the CRD documents. */
class PathViewTest {
  @Test
  void udpPathNamesBothEndsWithPortsAndNoSlashOrInterfaceIndex() throws Exception {
    UdpPath p =
        new UdpPath(
            new InetSocketAddress(InetAddress.getByName("10.78.0.2"), 36028),
            InetAddress.getByName("10.78.0.1"),
            2);

    // before: remote "/10.78.0.2:36028", local "10.78.0.1%2" (the engine's log form)
    assertThat(PathView.udp(p, 1194)).isEqualTo(new PathView("10.78.0.2:36028", "10.78.0.1:1194"));
  }

  @Test
  void ipv6EndsAreBracketedAndAnUnknownLocalStaysUnknown() throws Exception {
    UdpPath p = new UdpPath(new InetSocketAddress(InetAddress.getByName("fd77::2"), 5000), null, 0);

    assertThat(PathView.udp(p, 1194)).isEqualTo(new PathView("[fd77:0:0:0:0:0:0:2]:5000", null));
  }

  @Test
  void tcpPathNamesTheConnectionsEnds() throws Exception {
    TcpPath link =
        new TcpPath(
            3,
            new InetSocketAddress(InetAddress.getByName("10.77.1.2"), 40000),
            new InetSocketAddress(InetAddress.getByName("10.77.1.1"), 1194));

    assertThat(PathView.tcp(link)).isEqualTo(new PathView("10.77.1.2:40000", "10.77.1.1:1194"));
  }
}
