package dev.braid.api.v1alpha1;

import dev.braid.api.schema.Items;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** DNS servers and search domains pushed to clients. */
public class DnsSettings {
  /** Resolver addresses (IPv4 or IPv6). */
  @Size(max = 8)
  @Items(
      maxLength = 45,
      rule = "isIP(self)",
      message = "spec.dns.servers must hold IP addresses such as 10.96.0.10")
  public List<String> servers;

  /** Search domains, e.g. {@code svc.cluster.local}. */
  @Size(max = 16)
  @Items(maxLength = 253)
  public List<String> searchDomains;
}
