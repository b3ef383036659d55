package dev.braid.operator.reconciler;

import static dev.braid.operator.testing.Gateways.gateway;
import static dev.braid.operator.testing.Gateways.publish;
import static dev.braid.operator.testing.Gateways.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.braid.api.config.AgentConfig;
import dev.braid.api.config.AgentConfigParser;
import dev.braid.api.v1alpha1.VPNClient;
import dev.braid.api.v1alpha1.VPNClientSpec;
import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.api.v1alpha1.VPNGatewayStatus;
import dev.braid.operator.model.Conditions;
import dev.braid.operator.model.GatewayNames;
import dev.braid.operator.pki.GatewayPki;
import dev.braid.operator.pki.Pem;
import dev.braid.operator.testing.Gateways;
import dev.braid.operator.testing.OperatorCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The VPNGateway reconciler against a real kube-apiserver, running under the operator's shipped
 * RBAC. The API server has no controllers: tests write DaemonSet status themselves and check owner
 * references rather than garbage collection.
 */
class VPNGatewayReconcilerIT {
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
  void createsEveryDependentOwnedByTheGatewayWithTheExpectedContent() throws Exception {
    String ns = cluster.namespace("create");
    VPNGateway g = gateway(ns, "edge");
    g.getSpec().nodeSelector = Map.of("braid.dev/gateway", "true");
    g.getSpec().tolerations =
        List.of(
            new TolerationBuilder()
                .withKey("edge")
                .withOperator("Exists")
                .withEffect("NoSchedule")
                .build());
    g.getSpec().priorityClassName = "system-node-critical";
    g.getSpec().routes = List.of("10.96.0.0/12");
    VPNGateway created = admin.resource(g).create();

    DaemonSet ds = awaitObject(DaemonSet.class, ns, GatewayNames.agent("edge"));
    ServiceAccount sa = awaitObject(ServiceAccount.class, ns, GatewayNames.agent("edge"));
    Role role = awaitObject(Role.class, ns, GatewayNames.agent("edge"));
    RoleBinding binding = awaitObject(RoleBinding.class, ns, GatewayNames.agent("edge"));
    ConfigMap config = awaitObject(ConfigMap.class, ns, GatewayNames.config("edge"));
    Secret pki = awaitObject(Secret.class, ns, GatewayNames.pki("edge"));
    for (HasMetadata owned : List.of(ds, sa, role, binding, config, pki)) {
      assertThat(owned.getMetadata().getOwnerReferences())
          .as(owned.getKind())
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid());
                assertThat(o.getController()).isTrue();
              });
      assertThat(owned.getMetadata().getManagedFields())
          .as(owned.getKind() + " is applied server-side by the operator's field manager")
          .anyMatch(
              m ->
                  GatewayNames.FIELD_MANAGER.equals(m.getManager())
                      && "Apply".equals(m.getOperation()));
    }

    var pod = ds.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    assertThat(pod.getNodeSelector()).containsEntry("braid.dev/gateway", "true");
    assertThat(pod.getTolerations()).extracting(t -> t.getKey()).containsExactly("edge");
    assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
    assertThat(pod.getServiceAccountName()).isEqualTo(sa.getMetadata().getName());
    var container = pod.getContainers().getFirst();
    assertThat(container.getImage()).isEqualTo(OperatorCluster.AGENT_IMAGE);
    assertThat(container.getSecurityContext().getCapabilities().getAdd())
        .containsExactly("NET_ADMIN");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(pod.getVolumes())
        .anyMatch(v -> v.getHostPath() != null && "/dev/net/tun".equals(v.getHostPath().getPath()));
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.getSecret().getItems())
                    .extracting(i -> i.getKey())
                    .doesNotContain(GatewayPki.CA_KEY));
    assertThat(ds.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsKey(GatewayNames.CONFIG_HASH_ANNOTATION);
    assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isEqualTo(1);

    AgentConfig agentConfig =
        AgentConfigParser.parse(config.getData().get(AgentConfigParser.FILE_NAME), "configmap");
    assertThat(agentConfig.gateway().uid()).isEqualTo(created.getMetadata().getUid());
    assertThat(agentConfig.pools().ipv4()).isEqualTo("10.8.0.0/24");
    assertThat(agentConfig.routes()).containsExactly("10.96.0.0/12");

    Map<String, String> pkiData = SecretData.decode(pki);
    assertThat(pkiData)
        .containsKeys(
            GatewayPki.CA_CRT,
            GatewayPki.CA_KEY,
            GatewayPki.TLS_CRT,
            GatewayPki.TLS_KEY,
            GatewayPki.TA_KEY,
            GatewayPki.CRL);
    X509Certificate server = Pem.readCertificate(pkiData.get(GatewayPki.TLS_CRT));
    assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    server.verify(Pem.readCertificate(pkiData.get(GatewayPki.CA_CRT)).getPublicKey());

    assertThat(role.getRules())
        .noneMatch(
            r -> r.getResources().contains("secrets") || r.getResources().contains("configmaps"));

    VPNGatewayStatus status =
        awaitStatus(ns, "edge", s -> Conditions.find(s.conditions, "Ready").isPresent());
    assertThat(status.observedGeneration).isEqualTo(created.getMetadata().getGeneration());
    assertThat(Conditions.find(status.conditions, "Ready").orElseThrow().getStatus())
        .isEqualTo("False");
    assertThat(status.serverCertificateNotAfter)
        .isEqualTo(server.getNotAfter().toInstant().toString());
  }

  @Test
  void readyOnlyWhenAgentsReportServingNotWhenPodsExist() throws Exception {
    String ns = cluster.namespace("ready");
    VPNGateway created = admin.resource(gateway(ns, "hq")).create();
    DaemonSet ds = awaitObject(DaemonSet.class, ns, GatewayNames.agent("hq"));

    Gateways.setDaemonSetStatus(admin, ds, 2, 2, 2);
    VPNGatewayStatus podsOnly =
        awaitStatus(ns, "hq", s -> s.desiredNodes != null && s.desiredNodes == 2);
    assertThat(Conditions.find(podsOnly.conditions, "Ready").orElseThrow())
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("NoAgentServing");
            });

    long generation = created.getMetadata().getGeneration();
    KubernetesClient agent = cluster.agent(ns, "hq");
    publish(agent, report(created, "node-a", generation, "alice", "bob"));
    VPNGatewayStatus half = awaitStatus(ns, "hq", s -> s.readyNodes != null && s.readyNodes == 1);
    assertThat(Conditions.find(half.conditions, "Ready").orElseThrow().getReason())
        .isEqualTo("PartiallyServing");
    assertThat(half.nodesReady).isEqualTo("1/2");

    publish(agent, report(created, "node-b", generation, "carol"));
    VPNGatewayStatus ready =
        awaitStatus(ns, "hq", s -> Conditions.isTrue(s.conditions, VPNGatewayStatus.READY));
    assertThat(ready.sessions).isEqualTo(3);
    assertThat(ready.nodes).extracting(n -> n.node).containsExactly("node-a", "node-b");
    assertThat(ready.nodes.getFirst().paths).isEqualTo(2);
    assertThat(ready.nodes.getFirst().missingCapabilities).containsExactly("mptcp");
    assertThat(Conditions.find(ready.conditions, "Degraded").orElseThrow())
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo("MissingKernelFeatures");
            });
    assertThat(Conditions.isTrue(ready.conditions, VPNGatewayStatus.PROGRESSING)).isFalse();

    publish(
        agent,
        Gateways.failing(
            report(created, "node-b", generation), "BindFailed", "bind 0.0.0.0:1194: EADDRINUSE"));
    VPNGatewayStatus failing =
        awaitStatus(ns, "hq", s -> !Conditions.isTrue(s.conditions, VPNGatewayStatus.READY));
    assertThat(Conditions.find(failing.conditions, "Degraded").orElseThrow().getMessage())
        .contains("node-b: BindFailed: bind 0.0.0.0:1194: EADDRINUSE");
    assertThat(failing.sessions).isEqualTo(2);
  }

  @Test
  void reconcilingAgainWritesNothing() throws Exception {
    String ns = cluster.namespace("idle");
    VPNGateway created = admin.resource(gateway(ns, "calm")).create();
    DaemonSet ds = awaitObject(DaemonSet.class, ns, GatewayNames.agent("calm"));
    Gateways.setDaemonSetStatus(admin, ds, 1, 1, 1);
    publish(
        cluster.agent(ns, "calm"), report(created, "n1", created.getMetadata().getGeneration()));
    awaitStatus(ns, "calm", s -> Conditions.isTrue(s.conditions, VPNGatewayStatus.READY));
    Map<String, String> before = resourceVersions(ns, "calm");

    cluster.stopOperator();
    cluster.startOperator();
    // a fresh operator reconciles every gateway once its informers have synced
    await().atMost(TIMEOUT).until(() -> reconciliations(cluster.metrics()) >= 1);

    assertThat(resourceVersions(ns, "calm")).isEqualTo(before);
  }

  @Test
  void specChangeRollsTheTemplateOnlyForSettingsThatNeedARestart() throws Exception {
    String ns = cluster.namespace("roll");
    admin.resource(gateway(ns, "move")).create();
    DaemonSet first = awaitObject(DaemonSet.class, ns, GatewayNames.agent("move"));
    String firstHash = hash(first);

    editSpec(ns, "move", g -> g.getSpec().routes = List.of("10.96.0.0/12"));
    ConfigMap reloaded =
        awaitObject(
            ConfigMap.class,
            ns,
            GatewayNames.config("move"),
            c -> c.getData().get(AgentConfigParser.FILE_NAME).contains("10.96.0.0/12"));
    assertThat(reloaded).isNotNull();
    assertThat(hash(daemonSet(ns, "move")))
        .as("routes are reloaded in place, pods keep running")
        .isEqualTo(firstHash);

    editSpec(ns, "move", g -> g.getSpec().port = 1195);
    DaemonSet rolled =
        awaitObject(
            DaemonSet.class, ns, GatewayNames.agent("move"), d -> !hash(d).equals(firstHash));
    assertThat(rolled.getMetadata().getGeneration())
        .isGreaterThan(first.getMetadata().getGeneration());
    assertThat(rolled.getSpec().getTemplate().getSpec().getContainers().getFirst().getPorts())
        .anyMatch(p -> p.getContainerPort() == 1195 && "UDP".equals(p.getProtocol()));
  }

  @Test
  void clientFixedAddressIsRenderedIntoTheConfigWithoutRollingThePods() throws Exception {
    String ns = cluster.namespace("fixed");
    admin.resource(gateway(ns, "office")).create();
    DaemonSet first = awaitObject(DaemonSet.class, ns, GatewayNames.agent("office"));
    VPNClient carol = new VPNClient();
    carol.getMetadata().setName("carol");
    carol.getMetadata().setNamespace(ns);
    carol.setSpec(new VPNClientSpec());
    carol.getSpec().gateway = "office";
    carol.getSpec().address = "10.8.0.50";
    admin.resource(carol).create();

    ConfigMap config =
        awaitObject(
            ConfigMap.class,
            ns,
            GatewayNames.config("office"),
            c -> c.getData().get(AgentConfigParser.FILE_NAME).contains("fixedAddresses"));
    AgentConfig parsed =
        AgentConfigParser.parse(config.getData().get(AgentConfigParser.FILE_NAME), "cm");
    assertThat(parsed.pools().fixedAddresses()).containsExactly(Map.entry("carol", "10.8.0.50"));
    assertThat(hash(daemonSet(ns, "office"))).isEqualTo(hash(first));
  }

  @Test
  void gitOpsServerSideApplyByAnotherManagerNeitherConflictsNorFights() throws Exception {
    String ns = cluster.namespace("gitops");
    Path manifest = Files.createTempFile("braid-gitops", ".yaml");
    try {
      Files.writeString(manifest, gitOpsManifest(ns, 1400));
      cluster
          .api()
          .kubectl("apply", "--server-side", "--field-manager=argocd", "-f", manifest.toString());
      awaitObject(
          ConfigMap.class,
          ns,
          GatewayNames.config("git"),
          c -> c.getData().get(AgentConfigParser.FILE_NAME).contains("mtu: 1400"));
      awaitStatus(ns, "git", s -> s.observedGeneration != null);

      Files.writeString(manifest, gitOpsManifest(ns, 1380));
      // no --force-conflicts: the operator owns no field of the spec, so there is nothing to
      // conflict on
      String out =
          cluster
              .api()
              .kubectl(
                  "apply", "--server-side", "--field-manager=argocd", "-f", manifest.toString());
      assertThat(out).contains("serverside-applied");
      awaitObject(
          ConfigMap.class,
          ns,
          GatewayNames.config("git"),
          c -> c.getData().get(AgentConfigParser.FILE_NAME).contains("mtu: 1380"));
      VPNGatewayStatus status =
          awaitStatus(ns, "git", s -> s.observedGeneration != null && s.observedGeneration == 2);
      assertThat(status).isNotNull();

      VPNGateway live = admin.resources(VPNGateway.class).inNamespace(ns).withName("git").get();
      assertThat(live.getSpec().mtu).isEqualTo(1380);
      assertThat(live.getMetadata().getManagedFields())
          .filteredOn(m -> GatewayNames.FIELD_MANAGER.equals(m.getManager()))
          .allSatisfy(m -> assertThat(m.getSubresource()).isEqualTo("status"));
      assertThat(live.getMetadata().getManagedFields())
          .filteredOn(m -> "argocd".equals(m.getManager()))
          .singleElement()
          .satisfies(m -> assertThat(m.getSubresource()).isNull());
      String again =
          cluster
              .api()
              .kubectl(
                  "apply", "--server-side", "--field-manager=argocd", "-f", manifest.toString());
      assertThat(again).contains("serverside-applied");
      assertThat(
              admin
                  .resources(VPNGateway.class)
                  .inNamespace(ns)
                  .withName("git")
                  .get()
                  .getMetadata()
                  .getGeneration())
          .isEqualTo(2L);
    } finally {
      Files.deleteIfExists(manifest);
    }
  }

  @Test
  void overlappingRouteIsDegradedWithTheFieldAndAnEventAndIsNotRolledOut() {
    String ns = cluster.namespace("invalid");
    VPNGateway g = gateway(ns, "loop");
    g.getSpec().routes = List.of("10.96.0.0/12", "10.0.0.0/8");
    admin.resource(g).create();

    VPNGatewayStatus status =
        awaitStatus(ns, "loop", s -> Conditions.isTrue(s.conditions, VPNGatewayStatus.DEGRADED));
    var degraded = Conditions.find(status.conditions, "Degraded").orElseThrow();
    assertThat(degraded.getReason()).isEqualTo("RouteOverlapsPool");
    assertThat(degraded.getMessage())
        .startsWith("spec.routes[1]: 10.0.0.0/8 overlaps the tunnel pool 10.8.0.0/24");
    assertThat(Conditions.find(status.conditions, "Ready").orElseThrow().getStatus())
        .isEqualTo("False");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(admin.v1().events().inNamespace(ns).list().getItems())
                    .anyMatch(
                        e ->
                            "RouteOverlapsPool".equals(e.getReason())
                                && "loop".equals(e.getInvolvedObject().getName())
                                && e.getMessage().contains("spec.routes[1]")));
    assertThat(
            admin
                .resources(DaemonSet.class)
                .inNamespace(ns)
                .withName(GatewayNames.agent("loop"))
                .get())
        .isNull();
  }

  @Test
  void tlsSecretWithUnknownKeysIsDegradedNamingTheField() {
    String ns = cluster.namespace("secret");
    admin
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("own-pki")
                .withNamespace(ns)
                .endMetadata()
                .withStringData(
                    Map.of("ca.crt", "x", "tls.crt", "x", "tls.key", "x", "tls-crypt.key", "x"))
                .build())
        .create();
    VPNGateway g = gateway(ns, "own");
    g.getSpec().tls = new dev.braid.api.v1alpha1.TlsSettings();
    g.getSpec().tls.secretName = "own-pki";
    admin.resource(g).create();

    VPNGatewayStatus status =
        awaitStatus(ns, "own", s -> Conditions.isTrue(s.conditions, VPNGatewayStatus.DEGRADED));
    var degraded = Conditions.find(status.conditions, "Degraded").orElseThrow();
    assertThat(degraded.getReason()).isEqualTo("SecretKeysInvalid");
    assertThat(degraded.getMessage())
        .isEqualTo(
            "spec.tls.secretName: Secret own-pki lacks keys [ta.key] and has unknown keys [tls-crypt.key];"
                + " expected [ca.crt, ta.key, tls.crt, tls.key], optionally ca.key and crl.pem");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(admin.v1().events().inNamespace(ns).list().getItems())
                    .anyMatch(e -> "SecretKeysInvalid".equals(e.getReason())));
  }

  private static String gitOpsManifest(String ns, int mtu) {
    return """
        apiVersion: braid.dev/v1alpha1
        kind: VPNGateway
        metadata:
          name: git
          namespace: %s
        spec:
          network:
            ipv4: 10.9.0.0/24
          mtu: %d
        """
        .formatted(ns, mtu);
  }

  /** Changes the spec as a user would; retried when the operator's status write won the race. */
  private static void editSpec(
      String ns, String name, java.util.function.Consumer<VPNGateway> change) {
    await()
        .atMost(TIMEOUT)
        .ignoreExceptionsInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
        .until(
            () -> {
              VPNGateway g = admin.resources(VPNGateway.class).inNamespace(ns).withName(name).get();
              change.accept(g);
              admin.resource(g).update();
              return true;
            });
  }

  private static String hash(DaemonSet ds) {
    return ds.getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .get(GatewayNames.CONFIG_HASH_ANNOTATION);
  }

  private static Map<String, String> resourceVersions(String ns, String gateway) {
    Map<String, String> versions = new LinkedHashMap<>();
    versions.put(
        "VPNGateway",
        admin
            .resources(VPNGateway.class)
            .inNamespace(ns)
            .withName(gateway)
            .get()
            .getMetadata()
            .getResourceVersion());
    for (Class<? extends HasMetadata> kind :
        List.of(ServiceAccount.class, Role.class, RoleBinding.class, DaemonSet.class)) {
      versions.put(
          kind.getSimpleName(),
          admin
              .resources(kind)
              .inNamespace(ns)
              .withName(GatewayNames.agent(gateway))
              .get()
              .getMetadata()
              .getResourceVersion());
    }
    versions.put(
        "ConfigMap",
        admin
            .configMaps()
            .inNamespace(ns)
            .withName(GatewayNames.config(gateway))
            .get()
            .getMetadata()
            .getResourceVersion());
    versions.put(
        "Secret",
        admin
            .secrets()
            .inNamespace(ns)
            .withName(GatewayNames.pki(gateway))
            .get()
            .getMetadata()
            .getResourceVersion());
    return versions;
  }

  static long reconciliations(String metrics) {
    return metrics
        .lines()
        .filter(l -> l.startsWith("operator_sdk_reconciliations_success_total"))
        .filter(l -> l.contains("kind=\"VPNGateway\""))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static DaemonSet daemonSet(String ns, String gateway) {
    return admin
        .resources(DaemonSet.class)
        .inNamespace(ns)
        .withName(GatewayNames.agent(gateway))
        .get();
  }

  private static <T extends HasMetadata> T awaitObject(Class<T> kind, String ns, String name) {
    return awaitObject(kind, ns, name, x -> true);
  }

  private static <T extends HasMetadata> T awaitObject(
      Class<T> kind, String ns, String name, Predicate<T> condition) {
    return await()
        .atMost(TIMEOUT)
        .until(
            () -> admin.resources(kind).inNamespace(ns).withName(name).get(),
            o -> o != null && condition.test(o));
  }

  private static VPNGatewayStatus awaitStatus(
      String ns, String name, Predicate<VPNGatewayStatus> condition) {
    return await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              VPNGateway g = admin.resources(VPNGateway.class).inNamespace(ns).withName(name).get();
              return g == null ? null : g.getStatus();
            },
            s -> s != null && condition.test(s));
  }
}
