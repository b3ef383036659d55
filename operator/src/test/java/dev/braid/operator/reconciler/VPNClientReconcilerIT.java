package dev.braid.operator.reconciler;

import static dev.braid.operator.testing.Gateways.gateway;
import static dev.braid.operator.testing.Gateways.publish;
import static dev.braid.operator.testing.Gateways.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.braid.api.config.AgentConfigParser;
import dev.braid.api.v1alpha1.VPNClient;
import dev.braid.api.v1alpha1.VPNClientSpec;
import dev.braid.api.v1alpha1.VPNClientStatus;
import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.api.v1alpha1.VPNGatewayNode;
import dev.braid.api.v1alpha1.VPNGatewayStatus;
import dev.braid.operator.model.Conditions;
import dev.braid.operator.model.GatewayNames;
import dev.braid.operator.pki.GatewayPki;
import dev.braid.operator.pki.Pem;
import dev.braid.operator.profile.ClientProfile;
import dev.braid.operator.testing.OperatorCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The VPNClient reconciler against a real kube-apiserver, under the operator's shipped RBAC. */
class VPNClientReconcilerIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  static OperatorCluster cluster;
  static KubernetesClient admin;

  @BeforeAll
  static void start() throws Exception {
    cluster = OperatorCluster.start();
    admin = cluster.admin();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void profileIsCompleteSignedByTheGatewayCaAndFollowsTheLiveSession() throws Exception {
    String ns = cluster.namespace("client");
    VPNGateway gw = admin.resource(gateway(ns, "office")).create();
    Secret pki = awaitSecret(ns, GatewayNames.pki("office"), s -> true);
    // agents start only once their RoleBinding exists (the DaemonSet depends on it); so does this
    // one
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                admin
                        .rbac()
                        .roleBindings()
                        .inNamespace(ns)
                        .withName(GatewayNames.agent("office"))
                        .get()
                    != null);
    KubernetesClient agent = cluster.agent(ns, "office");
    VPNGatewayNode node = report(gw, "node-a", gw.getMetadata().getGeneration());
    publish(agent, node);
    String nodeAddress = node.getStatus().addresses.getFirst();

    admin.resource(client(ns, "alice", "office")).create();
    VPNClientStatus status =
        awaitStatus(ns, "alice", s -> Conditions.isTrue(s.conditions, "Ready"));
    assertThat(status.profileSecret).isEqualTo("alice-profile");
    Secret profileSecret = awaitSecret(ns, "alice-profile", s -> true);
    assertThat(profileSecret.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("VPNClient"));

    Map<String, String> gatewayPki = SecretData.decode(pki);
    Map<String, String> data = SecretData.decode(profileSecret);
    String ovpn = data.get(ClientProfile.PROFILE_KEY);
    assertThat(ovpn.lines())
        .contains(
            "client",
            "dev tun",
            "remote " + nodeAddress + " 1194 udp",
            "nobind",
            "remote-cert-tls server",
            "data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305",
            "explicit-exit-notify 1");
    assertThat(ovpn).contains("<ca>\n" + gatewayPki.get(GatewayPki.CA_CRT).strip() + "\n</ca>");
    assertThat(ovpn)
        .contains("<tls-crypt>\n" + gatewayPki.get(GatewayPki.TA_KEY).strip() + "\n</tls-crypt>");
    assertThat(ovpn).contains("<cert>\n" + data.get(GatewayPki.TLS_CRT).strip() + "\n</cert>");
    assertThat(ovpn).contains("<key>\n" + data.get(GatewayPki.TLS_KEY).strip() + "\n</key>");

    X509Certificate cert = Pem.readCertificate(data.get(GatewayPki.TLS_CRT));
    cert.verify(Pem.readCertificate(gatewayPki.get(GatewayPki.CA_CRT)).getPublicKey());
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=alice");
    assertThat(status.certificateSerial).isEqualTo(cert.getSerialNumber().toString(16));
    assertThat(status.notAfter).isEqualTo(cert.getNotAfter().toInstant().toString());
    assertThat(status.connected).isFalse();

    publish(agent, report(gw, "node-a", gw.getMetadata().getGeneration(), "bob", "alice"));
    VPNClientStatus connected = awaitStatus(ns, "alice", s -> Boolean.TRUE.equals(s.connected));
    assertThat(connected.address).isEqualTo("10.8.0.11");
    assertThat(connected.node).isEqualTo("node-a");
    assertThat(connected.lastSeen).isNotNull();
    assertThat(connected.certificateSerial)
        .as("the certificate is kept")
        .isEqualTo(status.certificateSerial);
  }

  /**
   * The stock Debian {@code openvpn} reads the profile as-is (inline CA, certificate, key and
   * tls-crypt key) and starts a handshake: its first datagram, caught on loopback, is a
   * P_CONTROL_HARD_RESET_CLIENT_V2.
   */
  @Test
  void stockOpenVpnClientAcceptsTheProfileAsIs() throws Exception {
    String ns = cluster.namespace("stock");
    admin.resource(gateway(ns, "office")).create();
    try (java.net.DatagramSocket gatewaySocket =
        new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", 0))) {
      VPNClient c = client(ns, "carol", "office");
      c.getSpec().endpoints = java.util.List.of("127.0.0.1:" + gatewaySocket.getLocalPort());
      admin.resource(c).create();
      awaitStatus(ns, "carol", s -> Conditions.isTrue(s.conditions, "Ready"));
      String ovpn =
          SecretData.decode(awaitSecret(ns, "carol-profile", s -> true))
              .get(ClientProfile.PROFILE_KEY);
      java.nio.file.Path file = java.nio.file.Files.createTempFile("braid-carol", ".ovpn");
      java.nio.file.Files.writeString(file, ovpn);
      java.nio.file.Path log = java.nio.file.Files.createTempFile("braid-carol", ".log");
      Process openvpn =
          new ProcessBuilder("openvpn", "--config", file.toString(), "--verb", "4")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        gatewaySocket.setSoTimeout(30_000);
        java.net.DatagramPacket packet = new java.net.DatagramPacket(new byte[2048], 2048);
        gatewaySocket.receive(packet);
        int opcode = (packet.getData()[0] & 0xff) >> 3;
        assertThat(opcode)
            .as(
                "P_CONTROL_HARD_RESET_CLIENT_V2; openvpn said:%n%s",
                java.nio.file.Files.readString(log))
            .isEqualTo(7);
        assertThat(openvpn.isAlive()).isTrue();
      } finally {
        openvpn.destroyForcibly().waitFor();
        java.nio.file.Files.deleteIfExists(file);
        java.nio.file.Files.deleteIfExists(log);
      }
    }
  }

  @Test
  void deletingTheClientRevokesItsCertificateInTheGatewayCrl() {
    String ns = cluster.namespace("revoke");
    admin.resource(gateway(ns, "office")).create();
    VPNClient c = client(ns, "mallory", "office");
    c.getSpec().endpoints = java.util.List.of("vpn.example.com:1194");
    admin.resource(c).create();
    VPNClientStatus status = awaitStatus(ns, "mallory", s -> s.certificateSerial != null);
    assertThat(
            SecretData.decode(awaitSecret(ns, "mallory-profile", s -> true))
                .get(ClientProfile.PROFILE_KEY))
        .contains("remote vpn.example.com 1194 udp");

    admin.resources(VPNClient.class).inNamespace(ns).withName("mallory").delete();

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                admin.resources(VPNClient.class).inNamespace(ns).withName("mallory").get() == null);
    Secret pki = admin.secrets().inNamespace(ns).withName(GatewayNames.pki("office")).get();
    assertThat(GatewayPki.revokedSerials(SecretData.decode(pki).get(GatewayPki.CRL)))
        .containsKey(new BigInteger(status.certificateSerial, 16));

    // the gateway's next reconcile applies its PKI Secret again and must keep the revocation
    await()
        .atMost(TIMEOUT)
        .ignoreExceptionsInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
        .until(
            () -> {
              VPNGateway g =
                  admin.resources(VPNGateway.class).inNamespace(ns).withName("office").get();
              g.getSpec().routes = java.util.List.of("10.96.0.0/12");
              admin.resource(g).update();
              return true;
            });
    await()
        .atMost(TIMEOUT)
        .until(
            () -> admin.configMaps().inNamespace(ns).withName(GatewayNames.config("office")).get(),
            cm -> cm.getData().get("agent.yaml").contains("10.96.0.0/12"));
    assertThat(
            GatewayPki.revokedSerials(
                SecretData.decode(
                        admin.secrets().inNamespace(ns).withName(GatewayNames.pki("office")).get())
                    .get(GatewayPki.CRL)))
        .containsKey(new BigInteger(status.certificateSerial, 16));
  }

  @Test
  void clientOfAMissingGatewayIsNotReadyAndSaysWhy() {
    String ns = cluster.namespace("orphan");
    admin.resource(client(ns, "eve", "nowhere")).create();
    VPNClientStatus status = awaitStatus(ns, "eve", s -> !s.conditions.isEmpty());
    assertThat(Conditions.find(status.conditions, "Ready").orElseThrow())
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("GatewayNotFound");
              assertThat(c.getMessage())
                  .isEqualTo("VPNGateway nowhere does not exist in namespace " + ns);
            });
  }

  /**
   * Two clients asking for one address: the older keeps it, the newer is Degraded naming the field
   * and the holder, with a Warning Event; once the older is deleted the newer gets the address. The
   * names sort the other way round, so only age can decide.
   */
  @Test
  void newerClientAskingForATakenAddressIsDegradedUntilTheHolderIsGone() throws Exception {
    String ns = cluster.namespace("dup");
    admin.resource(gateway(ns, "office")).create();
    VPNClient zoe = admin.resource(fixed(client(ns, "zoe", "office"), "10.8.0.50")).create();
    awaitStatus(ns, "zoe", s -> Conditions.isTrue(s.conditions, "Ready"));
    assertThat(fixedAddresses(ns)).isEqualTo(Map.of("zoe", "10.8.0.50"));
    Instant zoeCreated = Instant.parse(zoe.getMetadata().getCreationTimestamp());
    // creationTimestamp has whole seconds: make the newer one newer, not a tie
    await().atMost(TIMEOUT).until(() -> Instant.now().isAfter(zoeCreated.plusSeconds(1)));

    admin.resource(fixed(client(ns, "amy", "office"), "10.8.0.50")).create();
    VPNClientStatus amy =
        awaitStatus(ns, "amy", s -> Conditions.isTrue(s.conditions, VPNGatewayStatus.DEGRADED));
    String expected =
        "spec.address 10.8.0.50 is already held by VPNClient zoe, which is older; set another"
            + " free address of pool 10.8.0.0/24 or remove spec.address (until then this client"
            + " gets an address from the pool)";
    assertThat(Conditions.find(amy.conditions, VPNGatewayStatus.DEGRADED).orElseThrow())
        .satisfies(
            d -> {
              assertThat(d.getReason()).isEqualTo("AddressTaken");
              assertThat(d.getMessage()).isEqualTo(expected);
            });
    assertThat(Conditions.find(amy.conditions, "Ready").orElseThrow().getStatus())
        .isEqualTo("False");
    Event event =
        await()
            .atMost(TIMEOUT)
            .until(
                () ->
                    admin.v1().events().inNamespace(ns).list().getItems().stream()
                        .filter(e -> "amy".equals(e.getInvolvedObject().getName()))
                        .findFirst()
                        .orElse(null),
                e -> e != null);
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getReason()).isEqualTo("AddressTaken");
    assertThat(event.getMessage()).isEqualTo(expected);
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("VPNClient");
    assertThat(fixedAddresses(ns)).isEqualTo(Map.of("zoe", "10.8.0.50"));

    admin.resources(VPNClient.class).inNamespace(ns).withName("zoe").delete();

    VPNClientStatus freed =
        awaitStatus(
            ns,
            "amy",
            s ->
                !Conditions.isTrue(s.conditions, VPNGatewayStatus.DEGRADED)
                    && Conditions.isTrue(s.conditions, "Ready"));
    assertThat(Conditions.find(freed.conditions, VPNGatewayStatus.DEGRADED).orElseThrow())
        .satisfies(d -> assertThat(d.getReason()).isEqualTo("AsExpected"));
    await()
        .atMost(TIMEOUT)
        .until(() -> fixedAddresses(ns), f -> Map.of("amy", "10.8.0.50").equals(f));
  }

  private static VPNClient fixed(VPNClient c, String address) {
    c.getSpec().address = address;
    c.getSpec().endpoints = java.util.List.of("vpn.example.com:1194");
    return c;
  }

  /** {@code pools.fixedAddresses} of the gateway's agent config ConfigMap, once it exists. */
  private static Map<String, String> fixedAddresses(String ns) throws Exception {
    ConfigMap cm =
        await()
            .atMost(TIMEOUT)
            .until(
                () ->
                    admin
                        .configMaps()
                        .inNamespace(ns)
                        .withName(GatewayNames.config("office"))
                        .get(),
                c -> c != null);
    Map<String, String> fixed =
        AgentConfigParser.parse(cm.getData().get(AgentConfigParser.FILE_NAME), "cm")
            .pools()
            .fixedAddresses();
    return fixed == null ? Map.of() : fixed;
  }

  private static VPNClient client(String ns, String name, String gateway) {
    VPNClient c = new VPNClient();
    c.getMetadata().setName(name);
    c.getMetadata().setNamespace(ns);
    c.setSpec(new VPNClientSpec());
    c.getSpec().gateway = gateway;
    return c;
  }

  private static Secret awaitSecret(String ns, String name, Predicate<Secret> condition) {
    return await()
        .atMost(TIMEOUT)
        .until(
            () -> admin.secrets().inNamespace(ns).withName(name).get(),
            s -> s != null && condition.test(s));
  }

  private static VPNClientStatus awaitStatus(
      String ns, String name, Predicate<VPNClientStatus> condition) {
    return await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              VPNClient c = admin.resources(VPNClient.class).inNamespace(ns).withName(name).get();
              return c == null ? null : c.getStatus();
            },
            s -> s != null && condition.test(s));
  }
}
