package dev.braid.agent.nativeio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.agent.testing.NetNs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seed 004 with the kernel doing the multipath: a gateway with two uplinks announces its second
 * address (an MPTCP {@code signal backup} endpoint); the client opens a second subflow to it; when
 * the first path goes dark mid-transfer, the accepted connection keeps carrying data over the
 * second.
 */
class MptcpTwoPathsIT {
  private static final String GW_A = "10.214.1.1";
  private static final String GW_B = "10.214.2.1";
  private static final int EAGAIN = 11;
  private static final long DEADLINE_NANOS = Duration.ofSeconds(30).toNanos();

  private static NetNs gateway;
  private static NetNs client;

  @BeforeAll
  static void topology() throws IOException {
    gateway = NetNs.create("mp2gw");
    client = NetNs.create("mp2cli");
    for (NetNs ns : new NetNs[] {gateway, client}) {
      ns.exec("sysctl", "-q", "-w", "net.mptcp.enabled=1");
      ns.ip("mptcp", "limits", "set", "subflow", "2", "add_addr_accepted", "2");
    }
    gateway.veth("gwa", client, "cla");
    gateway.veth("gwb", client, "clb");
    gateway.ip("addr", "add", GW_A + "/24", "dev", "gwa");
    gateway.ip("addr", "add", GW_B + "/24", "dev", "gwb");
    client.ip("addr", "add", "10.214.1.2/24", "dev", "cla");
    client.ip("addr", "add", "10.214.2.2/24", "dev", "clb");
    // Backup: the client sends over path A while it works, so path A's death is really felt.
    gateway.ip("mptcp", "endpoint", "add", GW_B, "dev", "gwb", "signal", "backup");
  }

  @AfterAll
  static void cleanUp() throws IOException {
    try {
      if (client != null) {
        client.close();
      }
    } finally {
      if (gateway != null) {
        gateway.close();
      }
    }
  }

  @Test
  void secondSubflowCarriesTheConnectionWhenTheFirstPathDies() throws Exception {
    try (TcpListener listener =
            gateway.call(
                () ->
                    TcpListener.open(
                        new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0),
                        TcpListener.Options.defaults()));
        TcpSocket outbound =
            client.call(
                () ->
                    TcpSocket.connect(
                        new InetSocketAddress(
                            InetAddress.getByName(GW_A), listener.localAddress().getPort()),
                        true,
                        TcpOptions.defaults(),
                        Duration.ofSeconds(10)))) {
      assertThat(listener.isMptcp()).isTrue();
      assertThat(listener.awaitAcceptable(20_000)).isTrue();
      try (TcpSocket inbound = listener.accept()) {
        assertThat(inbound.isMptcp()).isTrue();
        long start = System.nanoTime();
        while (outbound.mptcpExtraSubflows() < 1) {
          assertThat(System.nanoTime() - start)
              .as("time for the client to join the signalled address")
              .isLessThan(DEADLINE_NANOS);
          Thread.sleep(50);
        }
        assertThat(inbound.mptcpExtraSubflows()).isEqualTo(1);
        transfer(outbound, inbound, 64 * 1024);

        // The first path goes dark in both directions; the established subflow over it stalls.
        gateway.exec("nft", "add", "table", "inet", "braid_patha");
        blackhole("in", "input", "iifname");
        blackhole("out", "output", "oifname");
        long before = System.nanoTime();
        transfer(outbound, inbound, 256 * 1024);
        System.out.printf(
            "256 KiB crossed after path A died in %d ms%n",
            Duration.ofNanos(System.nanoTime() - before).toMillis());
        String rules = gateway.exec("nft", "list", "chain", "inet", "braid_patha", "in");
        System.out.println(rules.strip());
        Matcher dropped = Pattern.compile("packets (\\d+)").matcher(rules);
        assertThat(dropped.find()).isTrue();
        assertThat(Long.parseLong(dropped.group(1))).as("packets lost on path A").isPositive();
      }
    }
  }

  /** Drops every packet through path A's interface at {@code hook}, counting them. */
  private static void blackhole(String chain, String hook, String interfaceMatch)
      throws IOException {
    gateway.exec(
        "nft",
        "add",
        "chain",
        "inet",
        "braid_patha",
        chain,
        "{ type filter hook " + hook + " priority 0 ; }");
    gateway.exec(
        "nft",
        "add",
        "rule",
        "inet",
        "braid_patha",
        chain,
        interfaceMatch,
        "gwa",
        "counter",
        "drop");
  }

  /** Sends {@code bytes} from one end and reads them all at the other, both non-blocking. */
  private static void transfer(TcpSocket from, TcpSocket to, int bytes)
      throws NativeIoException, InterruptedException {
    ByteBuffer out = ByteBuffer.allocateDirect(bytes);
    for (int i = 0; i < bytes; i++) {
      out.put((byte) i);
    }
    out.flip();
    ByteBuffer in = ByteBuffer.allocateDirect(bytes);
    long start = System.nanoTime();
    while (in.hasRemaining()) {
      assertThat(System.nanoTime() - start).as("time to transfer").isLessThan(DEADLINE_NANOS);
      if (out.hasRemaining()) {
        int w = from.write(out);
        assertThat(w > 0 || w == -EAGAIN).as("write returned %d", w).isTrue();
      }
      if (to.awaitReadable(100)) {
        int r = to.read(in);
        assertThat(r).as("read").isPositive();
      }
    }
    assertThat(in.flip()).isEqualTo(out.flip());
  }
}
