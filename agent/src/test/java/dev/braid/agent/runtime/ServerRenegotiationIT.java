package dev.braid.agent.runtime;

import static dev.braid.agent.runtime.AgentFixture.CRYPT_GATEWAY;
import static dev.braid.agent.runtime.AgentFixture.CRYPT_PORT;
import static dev.braid.agent.runtime.AgentFixture.v4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.braid.agent.testing.WatchedProcess;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The agent renegotiates on its own ({@code renegotiateSeconds: 6}) with a stock {@code openvpn}
 * 2.6 client whose own reneg-sec is an hour, over UDP and then TCP: under 20 s of pings at least
 * two soft resets started by the server, each logged by the agent, and every ping answered. Needs
 * root, iproute2 and {@code openvpn}; a missing one fails the test.
 */
class ServerRenegotiationIT {
  @Test
  void serverStartsSoftResetsWhileEveryPingIsAnswered() throws Exception {
    try (AgentFixture f = new AgentFixture(1, "renegotiateSeconds: 6")) {
      long logged = 0;
      for (String proto : new String[] {"udp", "tcp-client"}) {
        int mark = f.cryptAgent.lineCount();
        try (WatchedProcess c =
            f.client(0, v4(0), CRYPT_PORT, proto, "alice", "tls-crypt tc.key", "reneg-sec 3600")) {
          assertThat(c.await(l -> l.contains("Initialization Sequence Completed"), 90_000))
              .as("client log:\n%s\nagent log:\n%s", c.output(), f.cryptAgent.output())
              .isNotNull();
          String out =
              f.clients.get(0).exec("ping", "-c", "100", "-i", "0.2", "-W", "2", CRYPT_GATEWAY);
          long byServer =
              f.cryptAgent
                  .output()
                  .lines()
                  .skip(mark)
                  .filter(l -> l.contains("session renegotiated") && l.contains("by the server"))
                  .count();
          long clientDataKeys =
              c.output().lines().filter(l -> l.contains("Outgoing Data Channel: Cipher")).count();
          System.out.println(
              proto
                  + ": server-started renegotiations: "
                  + byServer
                  + ", data keys the client installed: "
                  + clientDataKeys
                  + "\n"
                  + out.lines().filter(l -> !l.contains("bytes from")).toList());
          assertThat(byServer).as(f.cryptAgent.output()).isGreaterThanOrEqualTo(2);
          logged += byServer;
          assertThat(clientDataKeys).as(c.output()).isGreaterThanOrEqualTo(3);
          assertThat(c.output())
              .as("the client never starts one itself")
              .doesNotContain("TLS: soft reset");
          Matcher m = Pattern.compile("(\\d+) received").matcher(out);
          assertThat(m.find()).as(out).isTrue();
          assertThat(Integer.parseInt(m.group(1))).as(proto + "\n" + out).isEqualTo(100);
        }
      }
      String counted = "braid_agent_renegotiations_total{by=\"server\"} " + logged;
      await() // loops publish their counters once a second
          .atMost(Duration.ofSeconds(10))
          .until(() -> f.metrics(9464).lines().anyMatch(counted::equals));
      System.out.println("metrics: " + counted);
    }
  }
}
