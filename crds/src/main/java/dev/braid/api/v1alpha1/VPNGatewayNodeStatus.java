package dev.braid.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A node agent's report; the agent rewrites it periodically and whenever something changes. */
public class VPNGatewayNodeStatus {
  /** The agent has bound its sockets and TUN queues and accepts sessions. */
  public Boolean serving;

  /** Generation of the VPNGateway whose config the agent is running. */
  public Long configGeneration;

  /** Data-plane workers running. */
  public Integer workers;

  /** Number of established sessions (the {@link #sessions} list may be truncated). */
  public Integer sessionCount;

  /** Established sessions, at most a few hundred per report. */
  public List<SessionStatus> sessions = new ArrayList<>();

  /** What the node's kernel offers the data plane. */
  public KernelCapabilities capabilities;

  /**
   * Counters of ended TCP-transport sessions by cause ({@code clean-close}, {@code reset}, ...).
   */
  public Map<String, Long> disconnects;

  /** Packets dropped, by reason. */
  public Map<String, Long> drops;

  /**
   * Addresses of this node that clients can reach (host IPs, or the uplink addresses); the operator
   * writes them as {@code remote} lines into client profiles.
   */
  public List<String> addresses = new ArrayList<>();

  /** Forwarding and source translation of tunnel traffic on this node ({@code spec.nat}). */
  public NatStatus nat;

  /** The most recent error, if any. */
  public AgentError lastError;

  /** Time of this report (RFC 3339). */
  public String heartbeat;
}
