package dev.braid.agent.transport.tcp;

import dev.braid.agent.nativeio.TcpListener;
import dev.braid.api.v1alpha1.Capability;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns the TCP transport's state into the node status fields that report it. */
public final class TcpTransportStatus {
  private TcpTransportStatus() {}

  /**
   * {@code KernelCapabilities.mptcp} as the gateway listener found it: available, or the reason it
   * fell back to TCP (the MPTCP socket() errno, or {@code net.mptcp.enabled=0}).
   */
  public static Capability mptcp(TcpListener.Transport transport) {
    return new Capability(transport.mptcp(), transport.reason() == null ? "" : transport.reason());
  }

  /** {@code VPNGatewayNodeStatus.disconnects}: the workers' counters summed by cause. */
  public static Map<String, Long> disconnects(Collection<DisconnectCounters> perWorker) {
    Map<String, Long> total = new LinkedHashMap<>();
    for (DisconnectCause cause : DisconnectCause.values()) {
      long sum = 0;
      for (DisconnectCounters counters : perWorker) {
        sum += counters.get(cause);
      }
      total.put(cause.statusKey(), sum);
    }
    return total;
  }
}
