package dev.braid.operator.reconciler;

import dev.braid.api.v1alpha1.SessionStatus;
import dev.braid.api.v1alpha1.VPNClient;
import dev.braid.api.v1alpha1.VPNClientStatus;
import dev.braid.api.v1alpha1.VPNGateway;
import dev.braid.api.v1alpha1.VPNGatewayNode;
import dev.braid.operator.model.ClientConditions;
import dev.braid.operator.model.FixedAddresses;
import dev.braid.operator.model.GatewayNames;
import dev.braid.operator.pki.GatewayPki;
import dev.braid.operator.pki.Pem;
import dev.braid.operator.profile.Endpoint;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a VPNClient into a profile Secret signed by its gateway's CA, reports whether the
 * client is connected (from the gateway's VPNGatewayNode reports), and revokes the certificate when
 * the client is deleted so that agents refuse it from then on.
 */
@Workflow(
    explicitInvocation = true,
    dependents = {@Dependent(name = "profile", type = ClientProfileSecretDependent.class)})
@ControllerConfiguration(
    name = "vpnclient",
    fieldManager = GatewayNames.FIELD_MANAGER,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 60, timeUnit = TimeUnit.SECONDS))
public class VPNClientReconciler implements Reconciler<VPNClient>, Cleaner<VPNClient> {
  private static final Logger LOG = LoggerFactory.getLogger(VPNClientReconciler.class);
  private static final String BY_GATEWAY = "by-gateway";
  private static final String GATEWAYS = "gateways";
  private static final String NODES = "client-gateway-nodes";
  private static final String PKI = "gateway-pki";
  private static final String SIBLINGS = "sibling-clients";

  private final Clock clock;

  /** A reconciler on the system clock. */
  public VPNClientReconciler() {
    this(Clock.systemUTC());
  }

  VPNClientReconciler(Clock clock) {
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, VPNClient>> prepareEventSources(
      EventSourceContext<VPNClient> context) {
    var clients = context.getPrimaryCache();
    clients.addIndexer(
        BY_GATEWAY, c -> List.of(key(c.getMetadata().getNamespace(), c.getSpec().gateway)));
    var gateways =
        InformerEventSourceConfiguration.from(VPNGateway.class, VPNClient.class)
            .withName(GATEWAYS)
            .withSecondaryToPrimaryMapper(
                (VPNGateway g) ->
                    clientsOf(clients, g.getMetadata().getNamespace(), g.getMetadata().getName()))
            .withPrimaryToSecondaryMapper(
                (VPNClient c) ->
                    Set.of(new ResourceID(c.getSpec().gateway, c.getMetadata().getNamespace())))
            .build();
    var nodes =
        InformerEventSourceConfiguration.from(VPNGatewayNode.class, VPNClient.class)
            .withName(NODES)
            .withSecondaryToPrimaryMapper(
                (VPNGatewayNode n) ->
                    n.getSpec() == null
                        ? Set.of()
                        : clientsOf(clients, n.getMetadata().getNamespace(), n.getSpec().gateway))
            .withPrimaryToSecondaryMapper((VPNClient c) -> Set.of())
            .build();
    var pki =
        InformerEventSourceConfiguration.from(Secret.class, VPNClient.class)
            .withName(PKI)
            .withLabelSelector(GatewayPkiSecretDependent.SELECTOR)
            .withSecondaryToPrimaryMapper(
                (Secret s) ->
                    clientsOf(
                        clients,
                        s.getMetadata().getNamespace(),
                        s.getMetadata().getLabels().get(GatewayNames.GATEWAY_LABEL)))
            .withPrimaryToSecondaryMapper((VPNClient c) -> Set.of())
            .build();
    // Another client of the gateway taking or freeing an address changes who holds it; this
    // informer's own cache is what reconcile reads, so it never decides on an older view.
    var siblings =
        InformerEventSourceConfiguration.from(VPNClient.class, VPNClient.class)
            .withName(SIBLINGS)
            .withSecondaryToPrimaryMapper(
                (VPNClient c) ->
                    c.getSpec() == null
                        ? Set.of()
                        : clientsOf(clients, c.getMetadata().getNamespace(), c.getSpec().gateway))
            .withPrimaryToSecondaryMapper((VPNClient c) -> Set.of())
            .withOnAddFilter(VPNClientReconciler::asksForAddress)
            .withOnUpdateFilter((fresh, old) -> !Objects.equals(addressOf(fresh), addressOf(old)))
            .withOnDeleteFilter((c, unknownState) -> asksForAddress(c))
            .build();
    return List.of(
        new InformerEventSource<>(gateways, context),
        new InformerEventSource<>(nodes, context),
        new InformerEventSource<>(pki, context),
        new InformerEventSource<>(siblings, context));
  }

  @Override
  public UpdateControl<VPNClient> reconcile(VPNClient client, Context<VPNClient> context) {
    String namespace = client.getMetadata().getNamespace();
    String gatewayName = client.getSpec().gateway;
    VPNGateway gateway = context.getSecondaryResource(VPNGateway.class).orElse(null);
    VPNClientStatus status = new VPNClientStatus();
    status.observedGeneration = client.getMetadata().getGeneration();
    List<VPNGatewayNode> nodes = nodes(context, namespace, gatewayName);
    String problem = null;
    String reason = null;
    Map<String, String> pki = Map.of();
    Optional<FixedAddresses.Refusal> refusal =
        gateway == null
            ? Optional.empty()
            : FixedAddresses.allocate(gateway, siblings(context, client))
                .refusal(client.getMetadata().getName());
    if (gateway == null) {
      reason = "GatewayNotFound";
      problem = "VPNGateway " + gatewayName + " does not exist in namespace " + namespace;
    } else {
      pki = gatewayPki(gateway, context);
      if (!pki.containsKey(GatewayPki.CA_KEY) || !pki.containsKey(GatewayPki.CA_CRT)) {
        reason = "CaUnavailable";
        problem =
            "the TLS Secret "
                + GatewayNames.tlsSecret(gateway)
                + " of VPNGateway "
                + gatewayName
                + " holds no ca.crt and ca.key, so the operator cannot sign client certificates";
      } else if (refusal.isPresent()) {
        // not issued: a client that expects its own address must not silently get another one
        reason = refusal.get().reason();
        problem = refusal.get().message();
      }
    }
    if (problem == null) {
      List<String> remotes = remotes(client, gateway, nodes);
      context
          .managedWorkflowAndDependentResourceContext()
          .put(ClientInputs.KEY, new ClientInputs(gateway, pki, remotes));
      context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
      Secret profile = context.getSecondaryResource(Secret.class, "profile").orElse(null);
      describeCertificate(status, profile);
      status.profileSecret = GatewayNames.clientProfile(client.getMetadata().getName());
      if (remotes.isEmpty()) {
        reason = "NoEndpoints";
        problem =
            "the profile has no remote: no gateway node has reported an address yet; set"
                + " spec.endpoints or wait for the agents";
      }
    } else {
      LOG.warn("VPNClient {}/{}: {}", namespace, client.getMetadata().getName(), problem);
    }
    describeConnection(status, client, nodes);
    List<io.fabric8.kubernetes.api.model.Condition> before =
        client.getStatus() == null ? List.of() : client.getStatus().conditions;
    status.conditions =
        ClientConditions.of(
            before,
            new ClientConditions.Observation(
                reason,
                problem,
                status.profileSecret,
                refusal,
                client.getMetadata().getGeneration(),
                clock.instant()));
    GatewayEvents.warnOnNewDegraded(context.getClient(), client, before, status.conditions);
    if (StatusComparison.same(client.getStatus(), status)) {
      return UpdateControl.noUpdate();
    }
    VPNClient fresh = new VPNClient();
    fresh.getMetadata().setName(client.getMetadata().getName());
    fresh.getMetadata().setNamespace(namespace);
    fresh.setStatus(status);
    return UpdateControl.patchStatus(fresh);
  }

  /** Revokes the client's certificate in its gateway's CRL; the agents reload the CRL file. */
  @Override
  public DeleteControl cleanup(VPNClient client, Context<VPNClient> context) {
    String serial = client.getStatus() == null ? null : client.getStatus().certificateSerial;
    if (serial == null) {
      return DeleteControl.defaultDelete();
    }
    String namespace = client.getMetadata().getNamespace();
    var secrets = context.getClient().secrets().inNamespace(namespace);
    Secret pki = secrets.withName(GatewayNames.pki(client.getSpec().gateway)).get();
    if (pki == null) {
      LOG.info(
          "VPNClient {}/{} deleted; its gateway PKI is gone, nothing to revoke",
          namespace,
          client.getMetadata().getName());
      return DeleteControl.defaultDelete();
    }
    Map<String, String> data = SecretData.decode(pki);
    String crl = GatewayPki.revoke(data, new BigInteger(serial, 16), clock.instant());
    data.put(GatewayPki.CRL, crl);
    pki.setData(SecretData.encode(data));
    try {
      // optimistic lock on resourceVersion: a concurrent revocation makes this retry
      secrets.resource(pki).update();
    } catch (KubernetesClientException e) {
      throw new IllegalStateException(
          "revoking certificate "
              + serial
              + " of VPNClient "
              + namespace
              + "/"
              + client.getMetadata().getName()
              + ": "
              + e.getMessage(),
          e);
    }
    LOG.info(
        "VPNClient {}/{} deleted; certificate {} revoked",
        namespace,
        client.getMetadata().getName(),
        serial);
    return DeleteControl.defaultDelete();
  }

  private static Map<String, String> gatewayPki(VPNGateway gateway, Context<VPNClient> context) {
    String name = GatewayNames.tlsSecret(gateway);
    var tls = gateway.getSpec().tls;
    Secret secret;
    if (tls == null || tls.secretName == null) {
      var source =
          (InformerEventSource<Secret, VPNClient>)
              context.eventSourceRetriever().<Secret>getEventSourceFor(Secret.class, PKI);
      secret = source.get(new ResourceID(name, gateway.getMetadata().getNamespace())).orElse(null);
    } else {
      secret =
          context
              .getClient()
              .secrets()
              .inNamespace(gateway.getMetadata().getNamespace())
              .withName(name)
              .get();
    }
    return SecretData.decode(secret);
  }

  private static List<VPNGatewayNode> nodes(
      Context<VPNClient> context, String namespace, String gateway) {
    var source =
        (InformerEventSource<VPNGatewayNode, VPNClient>)
            context
                .eventSourceRetriever()
                .<VPNGatewayNode>getEventSourceFor(VPNGatewayNode.class, NODES);
    return source
        .list(namespace, n -> n.getSpec() != null && gateway.equals(n.getSpec().gateway))
        .toList();
  }

  /** The spec's endpoints, or every address the gateway's agents report, on the gateway port. */
  static List<String> remotes(VPNClient client, VPNGateway gateway, List<VPNGatewayNode> nodes) {
    if (client.getSpec().endpoints != null && !client.getSpec().endpoints.isEmpty()) {
      return List.copyOf(client.getSpec().endpoints);
    }
    int port = gateway.getSpec().port == null ? 1194 : gateway.getSpec().port;
    Set<String> remotes = new TreeSet<>();
    for (VPNGatewayNode n : nodes) {
      if (n.getStatus() != null) {
        for (String address : n.getStatus().addresses) {
          remotes.add(new Endpoint(address, port).toString());
        }
      }
    }
    return new ArrayList<>(remotes);
  }

  private static void describeCertificate(VPNClientStatus status, Secret profile) {
    String pem = SecretData.decode(profile).get(GatewayPki.TLS_CRT);
    if (pem != null) {
      X509Certificate cert = Pem.readCertificate(pem);
      status.certificateSerial = cert.getSerialNumber().toString(16);
      status.notAfter = cert.getNotAfter().toInstant().toString();
    }
  }

  private static void describeConnection(
      VPNClientStatus status, VPNClient client, List<VPNGatewayNode> nodes) {
    String name = client.getMetadata().getName();
    status.connected = false;
    status.lastSeen = client.getStatus() == null ? null : client.getStatus().lastSeen;
    for (VPNGatewayNode n : nodes) {
      if (n.getStatus() == null) {
        continue;
      }
      for (SessionStatus s : n.getStatus().sessions) {
        if (name.equals(s.commonName)) {
          status.connected = true;
          status.node = n.getSpec().node;
          status.address = s.tunnelAddresses.isEmpty() ? null : s.tunnelAddresses.getFirst();
          status.lastSeen = n.getStatus().heartbeat;
        }
      }
    }
  }

  /** The gateway's clients as the sibling informer sees them, with this one as given. */
  private static List<VPNClient> siblings(Context<VPNClient> context, VPNClient client) {
    var source =
        (InformerEventSource<VPNClient, VPNClient>)
            context.eventSourceRetriever().<VPNClient>getEventSourceFor(VPNClient.class, SIBLINGS);
    String name = client.getMetadata().getName();
    List<VPNClient> all = new ArrayList<>();
    all.add(client);
    source
        .list(
            client.getMetadata().getNamespace(),
            c ->
                c.getSpec() != null
                    && client.getSpec().gateway.equals(c.getSpec().gateway)
                    && !name.equals(c.getMetadata().getName()))
        .forEach(all::add);
    return all;
  }

  private static Set<ResourceID> clientsOf(
      io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache<VPNClient> clients,
      String namespace,
      String gateway) {
    if (gateway == null) {
      return Set.of();
    }
    return clients.byIndex(BY_GATEWAY, key(namespace, gateway)).stream()
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static boolean asksForAddress(VPNClient c) {
    return addressOf(c) != null;
  }

  private static String addressOf(VPNClient c) {
    return c.getSpec() == null ? null : c.getSpec().address;
  }

  private static String key(String namespace, String gateway) {
    return namespace + "/" + gateway;
  }
}
