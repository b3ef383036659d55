package dev.braid.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.braid.agent.nativeio.NetworkNamespace;
import dev.braid.agent.testing.NetNs;
import dev.braid.agent.testing.WatchedProcess;
import dev.braid.api.v1alpha1.NatStatus;
import dev.braid.api.v1alpha1.VPNClient;
import dev.braid.api.v1alpha1.VPNClientStatus;
import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.api.v1alpha1.VPNGatewayNode;
import dev.braid.api.v1alpha1.VPNGatewayStatus;
import dev.braid.e2e.harness.OpenVpnProcess;
import dev.braid.operator.model.Conditions;
import dev.braid.operator.profile.ClientProfile;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Braid on a real single-node Kubernetes, as a user runs it: install from {@code deploy/} with the
 * images {@code deploy/images/build.sh} built, a VPNGateway and VPNClients, a stock OpenVPN client
 * with the profile from its Secret reaching a Service and a pod through the tunnel, live changes,
 * two gateways on one node, an upgrade by image tag and an uninstall that leaves nothing behind.
 * The real DaemonSet controller, scheduler and kubelet run the agent image (host network,
 * NET_ADMIN, {@code /dev/net/tun}); the steps run in order and build on each other.
 */
@ExtendWith(RealClusterExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BraidOnKubernetesE2E {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String NS = "braid-system";
  private static final String BACKEND_NS = "e2e-backend";
  private static final String GATEWAY = "office";
  private static final String AGENT_IMAGE = "ghcr.io/braid-dev/braid-agent:0.1.0-SNAPSHOT";
  private static final String UPGRADED_IMAGE = AGENT_IMAGE + "-next";
  private static final String NEW_ROUTE = "10.100.0.0/16";
  private static final Pattern ECHO = Pattern.compile("echo (\\S+) (\\S+)");
  private static final Pattern REFUSED =
      Pattern.compile("AUTH_FAILED.*|Received fatal SSL alert.*");

  private static RealCluster cluster;
  private static KubernetesClient api;
  private static Path dir;
  private static final List<AutoCloseable> resources = new ArrayList<>();
  private static NetNs aliceNs;
  private static OpenVpnProcess alice;
  private static String serviceIp;
  private static String podIp;

  @BeforeAll
  static void setUp(RealCluster realCluster) throws IOException {
    cluster = realCluster;
    api = cluster.admin();
    cluster.removeBraid();
    dir = Files.createDirectories(Path.of("target", "e2e", "braid").toAbsolutePath());
  }

  @AfterAll
  static void tearDown() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      try {
        r.close();
      } catch (Exception e) {
        System.out.println("[e2e] cleanup: " + e);
      }
    }
    resources.clear();
  }

  @Test
  @Order(1)
  void installsFromTheManifestsAndTheOperatorIsReadyUnderItsOwnServiceAccount() throws Exception {
    long t = System.nanoTime();
    cluster.kubectl("apply", "--server-side", "-k", "deploy/");
    cluster.kubectl(
        "wait",
        "--for=condition=Available",
        "deployment/braid-operator",
        "-n",
        NS,
        "--timeout=180s");
    RealCluster.phase("install: kubectl apply -k deploy/, operator Available", t);

    Deployment operator = api.apps().deployments().inNamespace(NS).withName("braid-operator").get();
    assertThat(operator.getStatus().getReadyReplicas()).isEqualTo(2);
    List<Pod> pods =
        api.pods()
            .inNamespace(NS)
            .withLabel("app.kubernetes.io/component", "operator")
            .list()
            .getItems();
    assertThat(pods)
        .hasSize(2)
        .allSatisfy(
            p -> assertThat(p.getSpec().getServiceAccountName()).isEqualTo("braid-operator"));
    assertThat(api.namespaces().withName(NS).get().getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "privileged");
    assertThat(cluster.kubectl("get", "crd", "-o", "name"))
        .contains("vpngateways.braid.dev", "vpnclients.braid.dev", "vpngatewaynodes.braid.dev");

    // the backend a client should reach: a real HTTP pod behind a ClusterIP Service
    cluster.kubectl("apply", "-f", write("backend.yaml", backend()));
    cluster.kubectl(
        "wait", "--for=condition=Available", "deployment/echo", "-n", BACKEND_NS, "--timeout=120s");
    serviceIp =
        api.services().inNamespace(BACKEND_NS).withName("echo").get().getSpec().getClusterIP();
    podIp =
        api.pods()
            .inNamespace(BACKEND_NS)
            .withLabel("app", "echo")
            .list()
            .getItems()
            .getFirst()
            .getStatus()
            .getPodIP();
    report("backend: Service %s, pod %s", serviceIp, podIp);
    // kube-proxy programs the Service a moment after the pod is ready
    await("Service reachable on the node")
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .until(
            () -> cluster.onNode("curl", "-sf", "--max-time", "2", "http://" + serviceIp + "/"),
            r -> r.startsWith("echo "));
  }

  @Test
  @Order(2)
  void gatewayIsReadyOnlyOnceTheRealAgentPodServes() throws Exception {
    long t = System.nanoTime();
    cluster.kubectl(
        "apply",
        "--server-side",
        "-f",
        write("office.yaml", gateway(GATEWAY, 1194, "10.8.0.0/24", null)));
    cluster.kubectl("apply", "--server-side", "-f", write("alice.yaml", client("alice")));
    List<String> seen = new ArrayList<>();
    VPNGatewayStatus ready =
        await("VPNGateway office Ready")
            .atMost(TIMEOUT)
            .pollInterval(Duration.ofMillis(250))
            .until(
                () -> {
                  VPNGatewayStatus s = gatewayStatus(GATEWAY);
                  if (s != null && s.conditions != null) {
                    Conditions.find(s.conditions, VPNGatewayStatus.READY)
                        .map(c -> c.getStatus() + "/" + c.getReason())
                        .filter(r -> seen.isEmpty() || !seen.getLast().equals(r))
                        .ifPresent(seen::add);
                  }
                  return s;
                },
                s -> s != null && Conditions.isTrue(s.conditions, VPNGatewayStatus.READY));
    RealCluster.phase("gateway: VPNGateway applied -> Ready (agent pod serving)", t);
    report("Ready went %s", seen);
    assertThat(seen.getFirst()).startsWith("False/");
    // the moment it turned Ready the agent's own report said serving, and its pod runs the image
    VPNGatewayNode node = gatewayNode(GATEWAY);
    assertThat(node.getStatus().serving).isTrue();
    assertThat(node.getStatus().addresses).containsExactly(RealCluster.NODE_IP);
    Pod pod = agentPod(GATEWAY);
    assertThat(pod.getSpec().getContainers().getFirst().getImage()).isEqualTo(AGENT_IMAGE);
    assertThat(pod.getSpec().getHostNetwork()).isTrue();
    assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType())
        .isEqualTo("RuntimeDefault");
    assertThat(ready.nodesReady).isEqualTo("1/1");
    assertThat(cluster.onNode("curl", "-sf", "http://" + RealCluster.NODE_IP + ":9464/readyz"))
        .isEqualTo("serving\n");
    assertThat(cluster.onNode("ip", "-br", "link", "show", "braid1194")).contains("braid1194");
  }

  @Test
  @Order(3)
  void aStockClientReachesAServiceAndAPodThroughTheTunnelWithTheirRepliesSourceTranslated()
      throws Exception {
    long t = System.nanoTime();
    aliceNs = cluster.client("alice");
    resources.add(aliceNs);
    String aliceAddress =
        aliceNs
            .ip("-4", "-o", "addr", "show", "dev", "eth0")
            .replaceAll("(?s).*inet ([0-9.]+)/.*", "$1");
    String profile = profile("alice");
    assertThat(profile).contains("remote " + RealCluster.NODE_IP + " 1194 udp");
    alice = OpenVpnProcess.start(aliceNs, dir.resolve("alice.ovpn"), profile);
    resources.add(alice);
    assertThat(alice.awaitLine(OpenVpnProcess.CONNECTED, TIMEOUT))
        .as("client log:\n%s", alice.log())
        .isPresent();
    RealCluster.phase("client: stock openvpn connected", t);
    String tunnelAddress = option(pushReply(alice.log()), ",ifconfig ([^ ,']+) ");

    // (a) a ClusterIP Service, (b) the pod's own IP; the pod sees the node's address (SNAT)
    Matcher viaService = echo(aliceNs, "http://" + serviceIp + "/");
    Matcher direct = echo(aliceNs, "http://" + podIp + ":8080/");
    report(
        "through the tunnel: Service answered '%s', pod answered '%s'",
        viaService.group(), direct.group());
    assertThat(viaService.group(2)).isEqualTo(RealCluster.POD_GATEWAY);
    assertThat(direct.group(2)).isEqualTo(RealCluster.POD_GATEWAY);
    aliceNs.exec("ping", "-c", "2", "-W", "5", podIp);

    NatStatus nat = nat(GATEWAY);
    assertThat(nat.active).isTrue();
    assertThat(nat.table).isEqualTo("inet braid.braid-system.office");
    assertThat(nat.ipv4Forwarding).isTrue();
    assertThat(cluster.onNode("nft", "list", "table", "inet", "braid.braid-system.office"))
        .contains("ip saddr 10.8.0.0/24 masquerade");

    VPNClientStatus up = awaitClient("alice", s -> Boolean.TRUE.equals(s.connected));
    assertThat(up.address).isEqualTo(tunnelAddress);
    assertThat(up.node).isEqualTo("braid-node");
    var session =
        gatewayNode(GATEWAY).getStatus().sessions.stream()
            .filter(x -> "alice".equals(x.commonName))
            .findFirst()
            .orElseThrow();
    assertThat(session.paths)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.local).isEqualTo(RealCluster.NODE_IP + ":1194");
              assertThat(p.remote).startsWith(aliceAddress + ":");
            });

    // the switch: spec.nat false (a routed setup) is applied live, and the pod then sees the
    // client's own tunnel address (this single node routes the pool back to the tunnel itself)
    String podUid = agentPod(GATEWAY).getMetadata().getUid();
    t = System.nanoTime();
    cluster.kubectl(
        "patch",
        "vpngateway",
        GATEWAY,
        "-n",
        NS,
        "--type=merge",
        "-p",
        "{\"spec\":{\"nat\":false}}");
    await("nat off on the node")
        .atMost(TIMEOUT)
        .until(() -> nat(GATEWAY), n -> n != null && Boolean.FALSE.equals(n.active));
    RealCluster.phase("nat off: kubectl patch -> agent removed its table (live)", t);
    assertThat(echo(aliceNs, "http://" + podIp + ":8080/").group(2)).isEqualTo(tunnelAddress);
    assertThat(cluster.onNode("nft", "list", "tables")).doesNotContain("braid.braid-system.office");
    cluster.kubectl(
        "patch",
        "vpngateway",
        GATEWAY,
        "-n",
        NS,
        "--type=merge",
        "-p",
        "{\"spec\":{\"nat\":true}}");
    await("nat on again")
        .atMost(TIMEOUT)
        .until(() -> nat(GATEWAY), n -> n != null && Boolean.TRUE.equals(n.active));
    assertThat(echo(aliceNs, "http://" + serviceIp + "/").group(2))
        .isEqualTo(RealCluster.POD_GATEWAY);
    assertThat(agentPod(GATEWAY).getMetadata().getUid())
        .as("no pod roll for spec.nat")
        .isEqualTo(podUid);
  }

  @Test
  @Order(4)
  void aRouteChangeReachesTheRunningAgentAndADeletedClientIsCutOff() throws Exception {
    Pod before = agentPod(GATEWAY);
    String gatewayTunnel = option(pushReply(alice.log()), ",route-gateway ([^,']+)");
    WatchedProcess ping =
        aliceNs.start(dir.resolve("alice-ping.log"), "ping", "-n", "-i", "0.2", gatewayTunnel);
    resources.add(ping);
    ping.await(l -> l.contains("icmp_seq="), TIMEOUT.toMillis());

    long t = System.nanoTime();
    cluster.kubectl(
        "apply",
        "--server-side",
        "-f",
        write("office-2.yaml", gateway(GATEWAY, 1194, "10.8.0.0/24", NEW_ROUTE)));
    long generation =
        api.resources(VPNGateway.class)
            .inNamespace(NS)
            .withName(GATEWAY)
            .get()
            .getMetadata()
            .getGeneration();
    await("agent runs generation " + generation)
        .atMost(TIMEOUT)
        .until(
            () -> gatewayNode(GATEWAY).getStatus().configGeneration,
            g -> g != null && g >= generation);
    RealCluster.phase("route added: kubectl apply -> agent reloaded (kubelet volume sync)", t);
    Pod after = agentPod(GATEWAY);
    assertThat(after.getMetadata().getUid())
        .as("no pod roll for a route")
        .isEqualTo(before.getMetadata().getUid());
    assertThat(after.getStatus().getContainerStatuses().getFirst().getRestartCount()).isZero();
    int seen = ping.lineCount();
    ping.awaitFrom(seen + 5, l -> l.contains("icmp_seq="), TIMEOUT.toMillis());
    NetNs.host("kill", "-INT", Long.toString(ping.pid()));
    String loss = ping.await(l -> l.contains("packet loss"), TIMEOUT.toMillis());
    report("alice's ping across the reload: %s", loss);
    assertThat(loss).contains(" 0% packet loss");

    // bob gets the new route, then is deleted and cut off through the CRL
    NetNs bobNs = cluster.client("bob");
    resources.add(bobNs);
    cluster.kubectl("apply", "--server-side", "-f", write("bob.yaml", client("bob")));
    String bobProfile = profile("bob");
    OpenVpnProcess bob = OpenVpnProcess.start(bobNs, dir.resolve("bob.ovpn"), bobProfile);
    resources.add(bob);
    assertThat(bob.awaitLine(OpenVpnProcess.CONNECTED, TIMEOUT))
        .as("client log:\n%s", bob.log())
        .isPresent();
    assertThat(pushReply(bob.log())).contains("route 10.100.0.0 255.255.0.0");
    echo(bobNs, "http://" + serviceIp + "/");
    t = System.nanoTime();
    cluster.kubectl("delete", "vpnclient", "bob", "-n", NS);
    assertThat(bob.awaitLine("AUTH_FAILED", TIMEOUT)).as("client log:\n%s", bob.log()).isPresent();
    RealCluster.phase("kubectl delete vpnclient bob -> bob cut off (CRL via kubelet sync)", t);
    await("bob's openvpn exits").atMost(TIMEOUT).until(() -> !bob.isAlive());
    echo(aliceNs, "http://" + serviceIp + "/");
    // bob's old profile is refused from now on
    OpenVpnProcess again = OpenVpnProcess.start(bobNs, dir.resolve("bob-2.ovpn"), bobProfile);
    resources.add(again);
    await("bob refused").atMost(TIMEOUT).until(() -> REFUSED.matcher(again.log()).find());
    assertThat(again.log()).doesNotContain(OpenVpnProcess.CONNECTED);
    again.close();
  }

  @Test
  @Order(5)
  void twoGatewaysShareTheNodeAndATakenControlPortIsDegradedNotACrashLoop() throws Exception {
    long t = System.nanoTime();
    cluster.kubectl(
        "apply",
        "--server-side",
        "-f",
        write("lab.yaml", gateway("lab", 1195, "10.9.0.0/24", null)));
    cluster.kubectl("apply", "--server-side", "-f", write("carol.yaml", client("carol", "lab")));
    await("VPNGateway lab Ready")
        .atMost(TIMEOUT)
        .until(
            () -> gatewayStatus("lab"),
            s -> s != null && Conditions.isTrue(s.conditions, VPNGatewayStatus.READY));
    RealCluster.phase("second gateway on the node Ready", t);
    assertThat(cluster.onNode("curl", "-sf", "http://" + RealCluster.NODE_IP + ":9465/readyz"))
        .isEqualTo("serving\n");
    assertThat(cluster.onNode("ip", "-br", "link", "show", "braid1195")).contains("braid1195");
    NetNs carolNs = cluster.client("carol");
    resources.add(carolNs);
    OpenVpnProcess carol =
        OpenVpnProcess.start(carolNs, dir.resolve("carol.ovpn"), profile("carol"));
    resources.add(carol);
    assertThat(carol.awaitLine(OpenVpnProcess.CONNECTED, TIMEOUT))
        .as("client log:\n%s", carol.log())
        .isPresent();
    assertThat(echo(carolNs, "http://" + serviceIp + "/").group(2))
        .isEqualTo(RealCluster.POD_GATEWAY);
    echo(aliceNs, "http://" + serviceIp + "/");
    carol.close();

    // a process that is not a pod holds the third gateway's control port (9466, the default for
    // 1196)
    ServerSocket squatter =
        NetworkNamespace.call(
            RealCluster.NODE_NETNS,
            () -> new ServerSocket(9466, 1, InetAddress.getByName("0.0.0.0")));
    resources.add(squatter);
    cluster.kubectl(
        "apply",
        "--server-side",
        "-f",
        write("annex.yaml", gateway("annex", 1196, "10.10.0.0/24", null)));
    // (Degraded says "agent has not reported yet" for a moment after the pod starts)
    VPNGatewayStatus degraded =
        await("VPNGateway annex Degraded by ControlPortInUse")
            .atMost(TIMEOUT)
            .until(
                () -> gatewayStatus("annex"),
                s ->
                    s != null
                        && Conditions.find(s.conditions, VPNGatewayStatus.DEGRADED)
                            .filter(c -> "True".equals(c.getStatus()))
                            .filter(c -> "ControlPortInUse".equals(c.getReason()))
                            .isPresent());
    Condition reason =
        Conditions.find(degraded.conditions, VPNGatewayStatus.DEGRADED).orElseThrow();
    report("annex Degraded %s: %s", reason.getReason(), reason.getMessage());
    assertThat(reason.getReason()).isEqualTo("ControlPortInUse");
    assertThat(Conditions.isTrue(degraded.conditions, VPNGatewayStatus.READY))
        .as("still serving clients")
        .isTrue();
    Thread.sleep(15_000);
    Pod annex = agentPod("annex");
    assertThat(annex.getStatus().getContainerStatuses().getFirst().getRestartCount())
        .as("no crash loop")
        .isZero();
    squatter.close();
    await("annex binds its control port once it is free")
        .atMost(TIMEOUT)
        .until(
            () -> gatewayStatus("annex"),
            s -> !Conditions.isTrue(s.conditions, VPNGatewayStatus.DEGRADED));
    cluster.kubectl("delete", "vpngateway", "lab", "annex", "-n", NS, "--wait=true");
  }

  @Test
  @Order(6)
  void upgradingTheAgentImageRollsThePodAndTheClientReconnectsWithNothingLost() throws Exception {
    String config =
        api.configMaps().inNamespace(NS).withName("office-agent-config").get().getData().toString();
    String ca = api.secrets().inNamespace(NS).withName("office-pki").get().getData().get("ca.crt");
    String oldPod = agentPod(GATEWAY).getMetadata().getUid();
    cluster.ctr("images", "tag", AGENT_IMAGE, UPGRADED_IMAGE);
    int connects = count(alice.log(), OpenVpnProcess.CONNECTED);

    long t = System.nanoTime();
    cluster.kubectl(
        "set", "env", "deployment/braid-operator", "-n", NS, "BRAID_AGENT_IMAGE=" + UPGRADED_IMAGE);
    await("agent pod on the new image")
        .atMost(TIMEOUT.multipliedBy(2))
        .ignoreExceptions()
        .until(
            () -> {
              Pod p = agentPod(GATEWAY);
              return p != null
                  && !p.getMetadata().getUid().equals(oldPod)
                  && p.getSpec().getContainers().getFirst().getImage().equals(UPGRADED_IMAGE)
                  && Boolean.TRUE.equals(
                      p.getStatus().getContainerStatuses().getFirst().getReady());
            });
    RealCluster.phase("upgrade: image tag set -> new agent pod ready", t);
    await("alice reconnects")
        .atMost(TIMEOUT)
        .until(() -> count(alice.log(), OpenVpnProcess.CONNECTED) > connects);
    RealCluster.phase("upgrade: image tag set -> alice reconnected", t);
    echo(aliceNs, "http://" + serviceIp + "/");
    assertThat(
            api.configMaps()
                .inNamespace(NS)
                .withName("office-agent-config")
                .get()
                .getData()
                .toString())
        .isEqualTo(config);
    assertThat(api.secrets().inNamespace(NS).withName("office-pki").get().getData().get("ca.crt"))
        .isEqualTo(ca);
    await("nat on the new agent")
        .atMost(TIMEOUT)
        .until(() -> nat(GATEWAY), n -> n != null && Boolean.TRUE.equals(n.active));
  }

  @Test
  @Order(7)
  void uninstallLeavesNothingBehind() throws Exception {
    alice.close(); // SIGTERM: the client says goodbye
    awaitClient("alice", s -> Boolean.FALSE.equals(s.connected));
    long t = System.nanoTime();
    // what the operator cleans up (certificates revoked through finalizers) goes while it runs
    cluster.kubectl("delete", "vpnclients,vpngateways", "--all", "-n", NS, "--wait=true");
    await("agent pods gone")
        .atMost(TIMEOUT)
        .until(
            () ->
                api.pods()
                    .inNamespace(NS)
                    .withLabel("app.kubernetes.io/component", "agent")
                    .list()
                    .getItems()
                    .isEmpty());
    assertThat(cluster.onNode("nft", "list", "tables")).doesNotContain("braid");
    assertThat(cluster.onNode("ip", "-br", "link")).doesNotContain("braid1194");
    assertThat(cluster.onNode("ip", "route")).doesNotContainPattern("dev braid1\\d{3}");
    cluster.kubectl("delete", "-k", "deploy/", "--wait=true");
    cluster.kubectl("delete", "namespace", BACKEND_NS, "--wait=true");
    RealCluster.phase("uninstall: gateways, then kubectl delete -k deploy/", t);
    assertThat(cluster.kubectl("get", "crd", "-o", "name")).doesNotContain("braid.dev");
    assertThat(cluster.kubectl("get", "clusterroles,clusterrolebindings", "-o", "name"))
        .doesNotContain("braid");
    assertThat(cluster.kubectl("get", "namespaces", "-o", "name")).doesNotContain(NS);
    assertThat(api.pods().inAnyNamespace().list().getItems()).isEmpty();
  }

  private static String backend() {
    return """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %1$s
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: echo
          namespace: %1$s
        spec:
          replicas: 1
          selector:
            matchLabels: {app: echo}
          template:
            metadata:
              labels: {app: echo}
            spec:
              terminationGracePeriodSeconds: 1
              securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
              containers:
                - name: echo
                  image: localhost/braid-test/echo:1
                  imagePullPolicy: Never
                  ports: [{containerPort: 8080}]
                  readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: echo
          namespace: %1$s
        spec:
          selector: {app: echo}
          ports: [{port: 80, targetPort: 8080}]
        """
        .formatted(BACKEND_NS);
  }

  private static String gateway(String name, int port, String pool, String extraRoute) {
    return """
        apiVersion: braid.dev/v1alpha1
        kind: VPNGateway
        metadata:
          name: %s
          namespace: %s
        spec:
          port: %d
          network: {ipv4: %s}
          routes: [10.96.0.0/12, 10.244.0.0/16%s]
          keepalive: {intervalSeconds: 2, timeoutSeconds: 10}
        """
        .formatted(name, NS, port, pool, extraRoute == null ? "" : ", " + extraRoute);
  }

  private static String client(String name) {
    return client(name, GATEWAY);
  }

  private static String client(String name, String gateway) {
    return """
        apiVersion: braid.dev/v1alpha1
        kind: VPNClient
        metadata:
          name: %s
          namespace: %s
        spec:
          gateway: %s
        """
        .formatted(name, NS, gateway);
  }

  /** GET {@code url} from inside {@code ns}; the echo pod's answer, matched. */
  private static Matcher echo(NetNs ns, String url) throws IOException {
    String body = ns.exec("curl", "-sS", "--max-time", "10", url);
    Matcher m = ECHO.matcher(body);
    assertThat(m.find()).as("answer from %s: %s", url, body).isTrue();
    return m;
  }

  private static VPNGatewayStatus gatewayStatus(String name) {
    VPNGateway g = api.resources(VPNGateway.class).inNamespace(NS).withName(name).get();
    return g == null ? null : g.getStatus();
  }

  private static VPNGatewayNode gatewayNode(String gateway) {
    return api.resources(VPNGatewayNode.class)
        .inNamespace(NS)
        .withName(gateway + "-braid-node")
        .get();
  }

  private static NatStatus nat(String gateway) {
    VPNGatewayNode n = gatewayNode(gateway);
    return n == null || n.getStatus() == null ? null : n.getStatus().nat;
  }

  private static Pod agentPod(String gateway) {
    DaemonSet ds = api.apps().daemonSets().inNamespace(NS).withName(gateway + "-agent").get();
    if (ds == null) {
      return null;
    }
    return api
        .pods()
        .inNamespace(NS)
        .withLabels(ds.getSpec().getSelector().getMatchLabels())
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .findFirst()
        .orElse(null);
  }

  private static String profile(String name) {
    VPNClientStatus st = awaitClient(name, s -> Conditions.isTrue(s.conditions, "Ready"));
    String b64 =
        api.secrets()
            .inNamespace(NS)
            .withName(st.profileSecret)
            .get()
            .getData()
            .get(ClientProfile.PROFILE_KEY);
    return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }

  private static VPNClientStatus awaitClient(String name, Predicate<VPNClientStatus> condition) {
    return await("VPNClient " + name)
        .atMost(TIMEOUT)
        .until(
            () -> api.resources(VPNClient.class).inNamespace(NS).withName(name).get(),
            c -> c != null && c.getStatus() != null && condition.test(c.getStatus()))
        .getStatus();
  }

  private static String pushReply(String log) {
    return log.lines()
        .filter(l -> l.contains("PUSH_REPLY"))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no PUSH_REPLY in the client log:\n" + log));
  }

  private static String option(String pushed, String regex) {
    Matcher m = Pattern.compile(regex).matcher(pushed);
    if (!m.find()) {
      throw new AssertionError("no '" + regex + "' in " + pushed);
    }
    return m.group(1);
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  private static String write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p.toString();
  }

  private static void report(String format, Object... args) {
    System.out.println("[e2e] " + format.formatted(args));
  }
}
