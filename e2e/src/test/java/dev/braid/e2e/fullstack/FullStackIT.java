package dev.braid.e2e.fullstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.braid.agent.testing.AgentProcess;
import dev.braid.agent.testing.NetNs;
import dev.braid.agent.testing.Prerequisites;
import dev.braid.api.v1alpha1.SessionStatus;
import dev.braid.api.v1alpha1.VPNClient;
import dev.braid.api.v1alpha1.VPNClientStatus;
import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.api.v1alpha1.VPNGatewayNode;
import dev.braid.api.v1alpha1.VPNGatewayStatus;
import dev.braid.e2e.harness.LoopbackRelay;
import dev.braid.e2e.harness.OpenVpnProcess;
import dev.braid.operator.model.Conditions;
import dev.braid.operator.model.GatewayNames;
import dev.braid.operator.profile.ClientProfile;
import dev.braid.operator.testing.Gateways;
import dev.braid.operator.testing.OperatorCluster;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 5's full stack on one machine: a real kube-apiserver with the CRDs and the operator's
 * shipped RBAC, the operator reconciling under its ServiceAccount, the agent DaemonSet's pod run by
 * the test as a kubelet would (volumes as files, downward-API env, the agents' ServiceAccount
 * token) in a "node" network namespace, and a stock {@code openvpn} in a "client" namespace using
 * the profile from the VPNClient's Secret unchanged. The API server has no controllers, so the test
 * writes the DaemonSet status the DaemonSet controller would. Needs root, {@code /dev/net/tun},
 * iproute2, ping, {@code openvpn} and the API-server binaries; a missing one fails the test.
 */
class FullStackIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final String GATEWAY = "office";
  private static final String CLIENT = "alice";
  private static final String NODE_NAME = "gw-node-1";
  private static final String NODE_ADDRESS = "10.78.0.1";
  private static final String CLIENT_ADDRESS = "10.78.0.2";

  private static OperatorCluster cluster;
  private static KubernetesClient admin;
  private static final List<AutoCloseable> resources = new ArrayList<>();
  private static NetNs node;
  private static NetNs client;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    Prerequisites.require("ip", "ping", "openvpn");
    if (!Files.exists(Path.of("/dev/net/tun"))) {
      throw new IllegalStateException("/dev/net/tun is missing: the agent needs a TUN device");
    }
    dir = Files.createTempDirectory("braid-fullstack-");
    report("agent pod files and logs, client profile and log: %s", dir);
    try {
      cluster = OperatorCluster.start(false);
      admin = cluster.admin();
      node = NetNs.create("node");
      resources.add(node);
      client = NetNs.create("client");
      resources.add(client);
      String here = NetNs.interfaceName("bn");
      node.veth(here, client, "eth0");
      node.addresses(here, NODE_ADDRESS + "/24");
      client.addresses("eth0", CLIENT_ADDRESS + "/24");
      // the node reaches the API server as a hostNetwork pod would: same URL, same TLS name
      int apiPort = URI.create(admin.getConfiguration().getMasterUrl()).getPort();
      resources.add(LoopbackRelay.start(node, apiPort));
    } catch (Exception e) {
      stop();
      throw e;
    }
  }

  @AfterAll
  static void stop() throws Exception {
    Exception failure = null;
    for (AutoCloseable r : resources.reversed()) {
      try {
        r.close();
      } catch (Exception e) {
        failure = e;
      }
    }
    resources.clear();
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Test
  void gatewayBecomesReadyAndAStockClientConnectsWithItsProfileAndIsShownGoneAfterwards()
      throws Exception {
    String ns = cluster.namespace("fullstack");
    cluster.api().kubectl("apply", "--server-side", "-f", write("objects.yaml", objects(ns)));

    // the operator's dependents
    DaemonSet ds = awaitObject(DaemonSet.class, ns, GatewayNames.agent(GATEWAY));
    awaitObject(ConfigMap.class, ns, GatewayNames.config(GATEWAY));
    awaitObject(Secret.class, ns, GatewayNames.pki(GATEWAY));
    awaitObject(
        io.fabric8.kubernetes.api.model.rbac.RoleBinding.class, ns, GatewayNames.agent(GATEWAY));
    // the DaemonSet controller schedules one pod (on the one gateway node); not ready yet
    Gateways.setDaemonSetStatus(admin, ds, 1, 1, 0);

    Path kubeconfig =
        cluster.serviceAccountKubeconfig(
            ns, GatewayNames.agent(GATEWAY), dir.resolve("agent-kubeconfig.yaml"));
    AgentPod pod =
        AgentPod.start(admin, ds, node, NODE_NAME, NODE_ADDRESS, kubeconfig, dir.resolve("pod"));
    resources.add(pod);
    if (pod.process().await(l -> l.contains(AgentProcess.SERVING), TIMEOUT.toMillis()) == null) {
      throw new AssertionError("the agent did not start:\n" + pod.process().output());
    }
    await("agent readiness probe").atMost(TIMEOUT).until(pod::ready);
    Gateways.setDaemonSetStatus(admin, ds, 1, 1, 1);

    VPNGatewayStatus gw =
        awaitGateway(ns, s -> Conditions.isTrue(s.conditions, VPNGatewayStatus.READY));
    Condition ready = Conditions.find(gw.conditions, VPNGatewayStatus.READY).orElseThrow();
    assertThat(ready.getReason()).isEqualTo("Serving");
    for (Condition c : gw.conditions) {
      report("VPNGateway %s=%s %s: %s", c.getType(), c.getStatus(), c.getReason(), c.getMessage());
    }
    assertThat(gw.nodesReady).isEqualTo("1/1");
    assertThat(gw.nodes)
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.node).isEqualTo(NODE_NAME);
              assertThat(n.ready).isTrue();
            });
    VPNGatewayNode report = gatewayNode(ns);
    assertThat(report.getStatus().addresses).containsExactly(NODE_ADDRESS);
    assertThat(report.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo(GATEWAY));

    // the profile names the node's address once the agent reported it
    VPNClientStatus st = awaitClient(ns, s -> Conditions.isTrue(s.conditions, "Ready"));
    String profile =
        new String(
            Base64.getDecoder()
                .decode(
                    admin
                        .secrets()
                        .inNamespace(ns)
                        .withName(st.profileSecret)
                        .get()
                        .getData()
                        .get(ClientProfile.PROFILE_KEY)),
            StandardCharsets.UTF_8);
    assertThat(profile).contains("remote " + NODE_ADDRESS + " 1194 udp");

    OpenVpnProcess openvpn = OpenVpnProcess.start(client, dir.resolve(CLIENT + ".ovpn"), profile);
    try {
      Optional<Duration> connected = openvpn.awaitLine(OpenVpnProcess.CONNECTED, TIMEOUT);
      assertThat(connected).as("client log:\n%s", openvpn.log()).isPresent();
      report("stock openvpn connected %d ms after start", connected.get().toMillis());
      String pushed = pushReply(openvpn.log());
      String gatewayTunnel = option(pushed, ",route-gateway ([^,']+)");
      String clientTunnel = option(pushed, ",ifconfig ([^ ,']+) ");

      client.exec("ping", "-c", "3", "-W", "5", gatewayTunnel);
      node.exec("ping", "-c", "3", "-W", "5", clientTunnel);

      VPNClientStatus up = awaitClient(ns, s -> Boolean.TRUE.equals(s.connected));
      assertThat(up.address).isEqualTo(clientTunnel);
      assertThat(up.node).isEqualTo(NODE_NAME);
      assertThat(up.lastSeen).isNotBlank();
      report(
          "VPNClient connected=%s address=%s node=%s lastSeen=%s",
          up.connected, up.address, up.node, up.lastSeen);
      SessionStatus session =
          gatewayNode(ns).getStatus().sessions.stream()
              .filter(s -> CLIENT.equals(s.commonName))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no session of " + CLIENT));
      assertThat(session.tunnelAddresses).contains(clientTunnel);
      assertThat(session.paths)
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.remote).startsWith(CLIENT_ADDRESS + ":");
                assertThat(p.local).isEqualTo(NODE_ADDRESS + ":1194");
              });
      assertThat(awaitGateway(ns, s -> s.sessions != null && s.sessions == 1).sessions)
          .isEqualTo(1);
    } finally {
      openvpn.close(); // SIGTERM: the client sends its exit notification
    }
    long stopped = System.nanoTime();
    VPNClientStatus down = awaitClient(ns, s -> Boolean.FALSE.equals(s.connected));
    report(
        "VPNClient connected=false %d ms after the client process exited",
        (System.nanoTime() - stopped) / 1_000_000);
    assertThat(down.lastSeen).isNotBlank();
    assertThat(gatewayNode(ns).getStatus().sessionCount).isZero();

    // a client that vanishes without a word is shown gone once the gateway's keepalive expires it
    OpenVpnProcess again = OpenVpnProcess.start(client, dir.resolve(CLIENT + "-2.ovpn"), profile);
    try {
      assertThat(again.awaitLine(OpenVpnProcess.CONNECTED, TIMEOUT))
          .as("client log:\n%s", again.log())
          .isPresent();
      awaitClient(ns, s -> Boolean.TRUE.equals(s.connected));
      ProcessHandle.of(again.pid()).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL
    } finally {
      again.close();
    }
    long killed = System.nanoTime();
    awaitClient(ns, s -> Boolean.FALSE.equals(s.connected));
    report(
        "VPNClient connected=false %d ms after the client was killed (keepalive timeout 10 s)",
        (System.nanoTime() - killed) / 1_000_000);
  }

  private static void report(String format, Object... args) {
    System.out.println("[full stack] " + format.formatted(args));
  }

  private static String objects(String ns) {
    return """
        apiVersion: braid.dev/v1alpha1
        kind: VPNGateway
        metadata:
          name: %2$s
          namespace: %1$s
        spec:
          mode: server
          port: 1194
          transports: [UDP, TCP]
          network:
            ipv4: 10.8.0.0/24
          routes:
            - 10.96.0.0/12
          tls:
            controlChannel: tls-crypt
          ciphers: [AES-256-GCM, CHACHA20-POLY1305]
          keepalive:
            intervalSeconds: 2
            timeoutSeconds: 10
        ---
        apiVersion: braid.dev/v1alpha1
        kind: VPNClient
        metadata:
          name: %3$s
          namespace: %1$s
        spec:
          gateway: %2$s
          validity: 2160h
        """
        .formatted(ns, GATEWAY, CLIENT);
  }

  private static String write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p.toString();
  }

  private static String pushReply(String log) {
    return log.lines()
        .filter(l -> l.contains("PUSH_REPLY"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no PUSH_REPLY in the client log:\n" + log));
  }

  private static String option(String pushed, String regex) {
    Matcher m = Pattern.compile(regex).matcher(pushed);
    if (!m.find()) {
      throw new AssertionError("no '" + regex + "' in " + pushed);
    }
    return m.group(1);
  }

  private static VPNGatewayNode gatewayNode(String ns) {
    return admin
        .resources(VPNGatewayNode.class)
        .inNamespace(ns)
        .withName(GatewayNames.gatewayNode(GATEWAY, NODE_NAME))
        .get();
  }

  private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T awaitObject(
      Class<T> type, String ns, String name) {
    return await(type.getSimpleName() + " " + name)
        .atMost(TIMEOUT)
        .until(() -> admin.resources(type).inNamespace(ns).withName(name).get(), o -> o != null);
  }

  private static VPNGatewayStatus awaitGateway(String ns, Predicate<VPNGatewayStatus> condition) {
    return await("VPNGateway status")
        .atMost(TIMEOUT)
        .until(
            () -> admin.resources(VPNGateway.class).inNamespace(ns).withName(GATEWAY).get(),
            g -> g.getStatus() != null && condition.test(g.getStatus()))
        .getStatus();
  }

  private static VPNClientStatus awaitClient(String ns, Predicate<VPNClientStatus> condition) {
    return await("VPNClient status")
        .atMost(TIMEOUT)
        .until(
            () -> admin.resources(VPNClient.class).inNamespace(ns).withName(CLIENT).get(),
            c -> c.getStatus() != null && condition.test(c.getStatus()))
        .getStatus();
  }
}
