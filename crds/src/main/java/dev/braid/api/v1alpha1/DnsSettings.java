package dev.braid.api.v1alpha1;

import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** DNS servers and search domains pushed to clients. */
public class DnsSettings {
  /** Resolver addresses (IPv4 or IPv6). */
  @Size(max = 8)
  @ValidationRule(
      value = "self.all(s, isIP(s))",
      message = "spec.dns.servers must hold IP addresses such as 10.96.0.10")
  public List<String> servers;

  /** Search domains, e.g. {@code svc.cluster.local}. */
  @Size(max = 16)
  public List<String> searchDomains;
}
