package dev.braid.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** The client's certificate, profile and live connection state. */
public class VPNClientStatus {
  /** The {@code metadata.generation} this status describes. */
  public Long observedGeneration;

  /**
   * {@code Ready} when the profile Secret is complete and usable; {@code Degraded} when {@code
   * spec.address} cannot be given (outside the pool, reserved, or held by an older VPNClient).
   */
  public List<Condition> conditions = new ArrayList<>();

  /** Serial number of the client certificate, hexadecimal. */
  public String certificateSerial;

  /** Expiry of the client certificate (RFC 3339). */
  public String notAfter;

  /** Secret in this namespace whose {@code client.ovpn} key holds the profile. */
  public String profileSecret;

  /** A session of this client is established on some gateway node. */
  public Boolean connected;

  /** Current tunnel address of the client. */
  public String address;

  /** Node serving the client's session. */
  public String node;

  /** Last time any node saw traffic from this client (RFC 3339). */
  public String lastSeen;
}
