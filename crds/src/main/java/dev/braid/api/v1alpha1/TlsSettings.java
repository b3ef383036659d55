package dev.braid.api.v1alpha1;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** Where the PKI comes from and how the control channel is protected. */
@ValidationRule(
    value = "!has(self.authDigest) || self.controlChannel == 'tls-auth'",
    message = "spec.tls.authDigest applies only when spec.tls.controlChannel is tls-auth")
public class TlsSettings {
  /**
   * Secret in the gateway's namespace holding {@code ca.crt}, {@code tls.crt}, {@code tls.key} and,
   * for tls-crypt/tls-auth, {@code ta.key}. Unset: the operator generates and renews the PKI
   * itself.
   */
  @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
  public String secretName;

  /** Wrapping of control-channel packets. */
  @Default("tls-crypt")
  public ControlChannelProtection controlChannel;

  /** HMAC digest for tls-auth (the clients' {@code --auth}); SHA256 when unset. */
  public HmacDigest authDigest;

  /** Lowest TLS version accepted on the control channel. */
  @Default("1.2")
  @Pattern("^1\\.[23]$")
  public String minVersion;
}
