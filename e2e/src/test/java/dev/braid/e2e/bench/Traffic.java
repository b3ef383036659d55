package dev.braid.e2e.bench;

import dev.braid.agent.testing.NetNs;
import java.util.List;

/**
 * Where the {@link Multipath} benchmark's traffic crosses a {@link Contender}: every measurement
 * (iperf3, ping, the sequenced probe, nstat) runs from {@code client} to {@code serverAddress} in
 * {@code server}, so all contenders are measured by the same code.
 *
 * @param client the sending namespace (the site, or the site's LAN host through a tunnel)
 * @param server the receiving namespace (the hub, or the hub's LAN host)
 * @param serverAddress the address the receivers listen on and the senders target
 * @param wrapper a prefix for both iperf3 ends, e.g. {@code mptcpize run}; empty for none
 * @param clientOptions extra iperf3 client options, e.g. {@code -B 10.70.0.2} to pin an uplink
 * @param pingSources source addresses to ping from, each in parallel, the replies merged (e.g. one
 *     per uplink MPTCP uses); empty: one ping without a source address
 * @param probeOverMptcp the sequenced probe runs over one MPTCP connection instead of UDP (kernel
 *     MPTCP carries no UDP)
 * @param probeSource the UDP probe's source address, or null for the default route
 */
public record Traffic(
    NetNs client,
    NetNs server,
    String serverAddress,
    List<String> wrapper,
    List<String> clientOptions,
    List<String> pingSources,
    boolean probeOverMptcp,
    String probeSource) {
  public Traffic {
    wrapper = List.copyOf(wrapper);
    clientOptions = List.copyOf(clientOptions);
    pingSources = List.copyOf(pingSources);
  }
}
