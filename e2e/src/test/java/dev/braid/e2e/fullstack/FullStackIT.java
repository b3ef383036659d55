package dev.braid.e2e.fullstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.braid.agent.testing.AgentProcess;
import dev.braid.agent.testing.NetNs;
import dev.braid.agent.testing.Prerequisites;
import dev.braid.agent.testing.WatchedProcess;
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
import dev.braid.operator.pki.GatewayPki;
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
  private static final String SECOND_NODE_ADDRESS = "10.79.0.1";
  private static final String SECOND_CLIENT_ADDRESS = "10.79.0.2";
  private static final String BOB = "bob";
  private static final String NEW_ROUTE = "10.100.0.0/16";
  private static final String NEW_ROUTE_ADDRESS = "10.100.0.0";

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
    String profile = profile(ns, CLIENT);
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

    liveChangesReachTheRunningGateway(ns, pod, profile);
  }

  /**
   * Issue 5's admin actions on a running gateway: a route added to the VPNGateway reaches the agent
   * as a live reload (no pod roll, no loss for a connected client, the route pushed to the next
   * client), and a deleted VPNClient's certificate revoked in the CRL cuts that client off while
   * others stay up.
   */
  private static void liveChangesReachTheRunningGateway(String ns, AgentPod pod, String profile)
      throws Exception {
    NetNs second = NetNs.create("client2");
    resources.add(second);
    String here = NetNs.interfaceName("bn");
    node.veth(here, second, "eth0");
    node.addresses(here, SECOND_NODE_ADDRESS + "/24");
    second.addresses("eth0", SECOND_CLIENT_ADDRESS + "/24");
    second.ip("route", "add", "default", "via", SECOND_NODE_ADDRESS);

    OpenVpnProcess alice = OpenVpnProcess.start(client, dir.resolve(CLIENT + "-3.ovpn"), profile);
    resources.add(alice);
    assertThat(alice.awaitLine(OpenVpnProcess.CONNECTED, TIMEOUT))
        .as("client log:\n%s", alice.log())
        .isPresent();
    String aliceGateway = option(pushReply(alice.log()), ",route-gateway ([^,']+)");
    WatchedProcess ping =
        client.start(dir.resolve("alice-ping.log"), "ping", "-n", "-i", "0.2", aliceGateway);
    resources.add(ping);
    ping.await(l -> l.contains("icmp_seq="), TIMEOUT.toMillis());

    // (a) a live-reloadable change: one more route
    DaemonSet before =
        admin.apps().daemonSets().inNamespace(ns).withName(GatewayNames.agent(GATEWAY)).get();
    String oldConfig = configText(ns);
    int agentLines = pod.process().lineCount();
    long applied = System.nanoTime();
    cluster
        .api()
        .kubectl(
            "apply",
            "--server-side",
            "-f",
            write("objects-2.yaml", objects(ns, "10.96.0.0/12", NEW_ROUTE)));
    await("ConfigMap with the new route")
        .atMost(TIMEOUT)
        .until(() -> configText(ns), t -> !t.equals(oldConfig) && t.contains(NEW_ROUTE_ADDRESS));
    assertThat(pod.sync()).isTrue();
    String reloaded =
        pod.process()
            .awaitFrom(agentLines, l -> l.contains("applied new config"), TIMEOUT.toMillis());
    assertThat(reloaded).as("agent log:\n%s", pod.process().output()).isNotNull();
    report(
        "route added: agent reloaded %d ms after kubectl apply: %s",
        (System.nanoTime() - applied) / 1_000_000, reloaded.strip());
    assertThat(reloaded).contains("restart needed: false");
    DaemonSet after =
        admin.apps().daemonSets().inNamespace(ns).withName(GatewayNames.agent(GATEWAY)).get();
    String hash = configHash(before);
    assertThat(hash).isNotBlank();
    assertThat(configHash(after))
        .as("the pod template must not roll for a live-reloadable change")
        .isEqualTo(hash);
    assertThat(after.getSpec().getTemplate()).isEqualTo(before.getSpec().getTemplate());
    // alice's ping keeps running for a while after the reload, then its statistics must show 0 loss
    int seen = ping.lineCount();
    ping.awaitFrom(seen + 10, l -> l.contains("icmp_seq="), TIMEOUT.toMillis());
    NetNs.host("kill", "-INT", Long.toString(ping.pid()));
    String loss = ping.await(l -> l.contains("packet loss"), TIMEOUT.toMillis());
    report("alice's ping across the reload: %s", loss);
    assertThat(loss).as("ping log:\n%s", ping.output()).contains(" 0% packet loss");

    // (b) a second client gets the new route, then is deleted and cut off
    cluster.api().kubectl("apply", "-f", write("bob.yaml", client(ns, BOB)));
    String bobProfile = profile(ns, BOB);
    OpenVpnProcess bob = OpenVpnProcess.start(second, dir.resolve(BOB + ".ovpn"), bobProfile);
    resources.add(bob);
    assertThat(bob.awaitLine(OpenVpnProcess.CONNECTED, TIMEOUT))
        .as("client log:\n%s", bob.log())
        .isPresent();
    assertThat(pushReply(bob.log())).contains("route " + NEW_ROUTE_ADDRESS + " 255.255.0.0");
    report("bob's PUSH_REPLY carries the new route %s", NEW_ROUTE);
    second.exec(
        "ping", "-c", "2", "-W", "5", option(pushReply(bob.log()), ",route-gateway ([^,']+)"));
    await("VPNGatewayNode lists bob").atMost(TIMEOUT).until(() -> sessionNames(ns).contains(BOB));

    String oldCrl = secretValue(ns, GatewayNames.pki(GATEWAY), GatewayPki.CRL);
    long deleted = System.nanoTime();
    cluster.api().kubectl("delete", "vpnclient", BOB, "-n", ns);
    await("CRL in the agent Secret")
        .atMost(TIMEOUT)
        .until(() -> !secretValue(ns, GatewayNames.pki(GATEWAY), GatewayPki.CRL).equals(oldCrl));
    long crlIn = System.nanoTime();
    assertThat(pod.sync()).isTrue();
    assertThat(bob.awaitLine("AUTH_FAILED", TIMEOUT)).as("client log:\n%s", bob.log()).isPresent();
    long cutOff = System.nanoTime();
    await("bob's openvpn exits").atMost(TIMEOUT).until(() -> !bob.isAlive());
    report(
        "bob deleted: CRL in the Secret after %d ms, bob AUTH_FAILED %d ms after delete (%d ms after"
            + " the files changed), process gone after %d ms",
        (crlIn - deleted) / 1_000_000,
        (cutOff - deleted) / 1_000_000,
        (cutOff - crlIn) / 1_000_000,
        (System.nanoTime() - deleted) / 1_000_000);
    await("VPNGatewayNode drops bob").atMost(TIMEOUT).until(() -> !sessionNames(ns).contains(BOB));
    assertThat(sessionNames(ns)).contains(CLIENT);
    client.exec("ping", "-c", "3", "-W", "5", aliceGateway);

    // bob's old profile is refused from now on: the agent's TLS handshake rejects the certificate
    int agentBefore = pod.process().lineCount();
    OpenVpnProcess again = OpenVpnProcess.start(second, dir.resolve(BOB + "-2.ovpn"), bobProfile);
    resources.add(again);
    await("bob refused").atMost(TIMEOUT).until(() -> REFUSED.matcher(again.log()).find());
    String rejected =
        pod.process()
            .awaitFrom(agentBefore, l -> l.contains("CN=" + BOB + " rejected"), TIMEOUT.toMillis());
    assertThat(rejected).as("agent log:\n%s", pod.process().output()).contains("revoked");
    assertThat(again.log()).doesNotContain(OpenVpnProcess.CONNECTED);
    Matcher refused = REFUSED.matcher(again.log());
    assertThat(refused.find()).isTrue();
    report("bob reconnecting with the old profile: client '%s'", refused.group());
    again.close();
    alice.close();
  }

  private static final Pattern REFUSED =
      Pattern.compile("AUTH_FAILED.*|Received fatal SSL alert.*");

  private static String configHash(DaemonSet ds) {
    return ds.getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .get(GatewayNames.CONFIG_HASH_ANNOTATION);
  }

  private static String configText(String ns) {
    ConfigMap cm = admin.configMaps().inNamespace(ns).withName(GatewayNames.config(GATEWAY)).get();
    return String.join("\n", cm.getData().values());
  }

  private static List<String> sessionNames(String ns) {
    VPNGatewayNode n = gatewayNode(ns);
    if (n.getStatus() == null || n.getStatus().sessions == null) {
      return List.of();
    }
    return n.getStatus().sessions.stream().map(x -> x.commonName).toList();
  }

  private static String client(String ns, String name) {
    return """
        apiVersion: braid.dev/v1alpha1
        kind: VPNClient
        metadata:
          name: %s
          namespace: %s
        spec:
          gateway: %s
          validity: 2160h
        """
        .formatted(name, ns, GATEWAY);
  }

  private static void report(String format, Object... args) {
    System.out.println("[full stack] " + format.formatted(args));
  }

  private static String objects(String ns) {
    return objects(ns, "10.96.0.0/12");
  }

  private static String objects(String ns, String... routes) {
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
          routes: [%3$s]
          tls:
            controlChannel: tls-crypt
          ciphers: [AES-256-GCM, CHACHA20-POLY1305]
          keepalive:
            intervalSeconds: 2
            timeoutSeconds: 10
        ---
        """
            .formatted(ns, GATEWAY, String.join(", ", routes))
        + client(ns, CLIENT);
  }

  /** The client's profile once its VPNClient is ready. */
  private static String profile(String ns, String name) {
    VPNClientStatus st = awaitClient(ns, name, s -> Conditions.isTrue(s.conditions, "Ready"));
    return secretValue(ns, st.profileSecret, ClientProfile.PROFILE_KEY);
  }

  private static String secretValue(String ns, String secret, String key) {
    String b64 = admin.secrets().inNamespace(ns).withName(secret).get().getData().get(key);
    return b64 == null ? "" : new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
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
    return awaitClient(ns, CLIENT, condition);
  }

  private static VPNClientStatus awaitClient(
      String ns, String name, Predicate<VPNClientStatus> condition) {
    return await("VPNClient " + name + " status")
        .atMost(TIMEOUT)
        .until(
            () -> admin.resources(VPNClient.class).inNamespace(ns).withName(name).get(),
            c -> c.getStatus() != null && condition.test(c.getStatus()))
        .getStatus();
  }
}
