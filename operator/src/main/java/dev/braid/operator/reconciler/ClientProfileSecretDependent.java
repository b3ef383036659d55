package dev.braid.operator.reconciler;

import dev.braid.api.v1alpha1.Transport;
import dev.braid.api.v1alpha1.VPNClient;
import dev.braid.operator.model.AgentConfigRenderer;
import dev.braid.operator.model.GatewayNames;
import dev.braid.operator.pki.CertificateAuthority;
import dev.braid.operator.pki.GatewayPki;
import dev.braid.operator.pki.IssuedCertificate;
import dev.braid.operator.pki.Pem;
import dev.braid.operator.profile.ClientProfile;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A client's profile Secret: {@code client.ovpn} plus the certificate and key it inlines. The
 * certificate is kept while the gateway CA still signs it, it is not revoked and two thirds of its
 * lifetime have not passed; only then is a new one issued.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ClientProfileSecretDependent.SELECTOR))
public class ClientProfileSecretDependent
    extends CRUDKubernetesDependentResource<Secret, VPNClient> {
  static final String SELECTOR = GatewayNames.COMPONENT_LABEL + "=" + GatewayNames.CLIENT_PROFILE;

  private final Clock clock;

  /** Created by JOSDK. */
  public ClientProfileSecretDependent() {
    this(Clock.systemUTC());
  }

  ClientProfileSecretDependent(Clock clock) {
    super(Secret.class);
    this.clock = clock;
  }

  @Override
  protected void addReferenceHandlingMetadata(Secret desired, VPNClient primary) {
    desired.getMetadata().setOwnerReferences(List.of(Owners.controller(primary)));
  }

  @Override
  protected ResourceID targetSecondaryResourceID(VPNClient primary, Context<VPNClient> context) {
    return new ResourceID(
        GatewayNames.clientProfile(primary.getMetadata().getName()),
        primary.getMetadata().getNamespace());
  }

  @Override
  protected Secret desired(VPNClient client, Context<VPNClient> context) {
    ClientInputs in =
        context
            .managedWorkflowAndDependentResourceContext()
            .getMandatory(ClientInputs.KEY, ClientInputs.class);
    String name = client.getMetadata().getName();
    Map<String, String> existing =
        SecretData.decode(getSecondaryResource(client, context).orElse(null));
    CertificateAuthority ca = GatewayPki.authority(in.pki());
    IssuedCertificate cert = reusable(existing, ca, in.pki(), name);
    if (cert == null) {
      cert = ca.issueClient(name, validity(client), clock.instant());
    }
    var spec = in.gateway().getSpec();
    ClientProfile profile =
        new ClientProfile(
            in.remotes(),
            spec.transports == null ? List.of(Transport.UDP) : spec.transports,
            AgentConfigRenderer.ciphers(spec),
            AgentConfigRenderer.controlChannel(spec),
            spec.tls == null ? null : spec.tls.authDigest,
            in.pki().get(GatewayPki.CA_CRT),
            cert.certificatePem(),
            cert.keyPem(),
            in.pki().get(GatewayPki.TA_KEY));
    Map<String, String> data = new TreeMap<>();
    data.put(ClientProfile.PROFILE_KEY, profile.render());
    data.put(GatewayPki.CA_CRT, in.pki().get(GatewayPki.CA_CRT));
    data.put(GatewayPki.TLS_CRT, cert.certificatePem());
    data.put(GatewayPki.TLS_KEY, cert.keyPem());
    return new SecretBuilder()
        .withNewMetadata()
        .withName(GatewayNames.clientProfile(name))
        .withNamespace(client.getMetadata().getNamespace())
        .withLabels(GatewayNames.labels(client.getSpec().gateway, GatewayNames.CLIENT_PROFILE))
        .endMetadata()
        .withType("Opaque")
        .withData(SecretData.encode(data))
        .build();
  }

  private IssuedCertificate reusable(
      Map<String, String> existing, CertificateAuthority ca, Map<String, String> pki, String name) {
    if (!existing.containsKey(GatewayPki.TLS_CRT) || !existing.containsKey(GatewayPki.TLS_KEY)) {
      return null;
    }
    try {
      X509Certificate cert = Pem.readCertificate(existing.get(GatewayPki.TLS_CRT));
      Instant now = clock.instant();
      boolean revoked =
          GatewayPki.revokedSerials(pki.get(GatewayPki.CRL)).containsKey(cert.getSerialNumber());
      if (!ca.signed(cert)
          || revoked
          || GatewayPki.needsRenewal(cert, now)
          || !cert.getSubjectX500Principal().getName().equals("CN=" + name)) {
        return null;
      }
      return new IssuedCertificate(cert, Pem.readKey(existing.get(GatewayPki.TLS_KEY)));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Duration validity(VPNClient client) {
    String v = client.getSpec().validity == null ? "8760h" : client.getSpec().validity;
    return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
  }
}
