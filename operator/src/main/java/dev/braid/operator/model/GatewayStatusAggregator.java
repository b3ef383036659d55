package dev.braid.operator.model;

import dev.braid.api.v1alpha1.Capability;
import dev.braid.api.v1alpha1.GatewayNodeSummary;
import dev.braid.api.v1alpha1.KernelCapabilities;
import dev.braid.api.v1alpha1.VPNGatewayNode;
import dev.braid.api.v1alpha1.VPNGatewayNodeStatus;
import dev.braid.api.v1alpha1.VPNGatewayStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Condenses the DaemonSet and the agents' VPNGatewayNode reports into a gateway status. Ready means
 * traffic can flow: at least one agent is serving with a fresh heartbeat and every node the
 * DaemonSet schedules is serving; pods that merely exist count for nothing.
 */
public final class GatewayStatusAggregator {
  /** A heartbeat older than this marks a node as not serving. */
  public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(90);

  /** A node's error while its agent has not written a status yet. */
  static final String NOT_REPORTED = "agent has not reported yet";

  private GatewayStatusAggregator() {}

  /**
   * What the operator saw in one reconcile.
   *
   * @param generation the gateway's {@code metadata.generation}
   * @param problems semantic problems; non-empty means the spec was not rolled out
   * @param daemonSet the agents' DaemonSet, or null before it exists
   * @param nodes the gateway's VPNGatewayNode objects
   * @param serverCertificateNotAfter expiry of the server certificate, or null
   * @param previous the status before this reconcile, or null
   * @param now the current time
   */
  public record Observation(
      long generation,
      List<SpecProblem> problems,
      DaemonSet daemonSet,
      List<VPNGatewayNode> nodes,
      String serverCertificateNotAfter,
      VPNGatewayStatus previous,
      Instant now) {}

  /** The status to write. */
  public static VPNGatewayStatus aggregate(Observation o) {
    List<Condition> before = o.previous() == null ? List.of() : o.previous().conditions;
    VPNGatewayStatus s = new VPNGatewayStatus();
    s.observedGeneration = o.generation();
    s.serverCertificateNotAfter = o.serverCertificateNotAfter();
    s.nodes =
        o.nodes().stream()
            .map(n -> summarize(n, o.now()))
            .sorted(Comparator.comparing(n -> n.node))
            .toList();
    var dsStatus = o.daemonSet() == null ? null : o.daemonSet().getStatus();
    s.desiredNodes = dsStatus == null ? 0 : value(dsStatus.getDesiredNumberScheduled());
    s.readyNodes = (int) s.nodes.stream().filter(n -> n.ready).count();
    s.nodesReady = s.readyNodes + "/" + s.desiredNodes;
    s.sessions = s.nodes.stream().filter(n -> n.ready).mapToInt(n -> n.sessions).sum();

    if (!o.problems().isEmpty()) {
      String message =
          o.problems().stream().map(SpecProblem::toString).collect(Collectors.joining("; "));
      String reason = o.problems().getFirst().reason();
      s.conditions =
          List.of(
              Conditions.of(
                  before,
                  VPNGatewayStatus.READY,
                  s.readyNodes > 0,
                  reason,
                  (s.readyNodes > 0 ? "still serving the previous valid spec; " : "")
                      + "this spec is not rolled out: "
                      + message,
                  o.generation(),
                  o.now()),
              Conditions.of(
                  before,
                  VPNGatewayStatus.PROGRESSING,
                  false,
                  reason,
                  "rollout stopped until the spec is fixed",
                  o.generation(),
                  o.now()),
              Conditions.of(
                  before,
                  VPNGatewayStatus.DEGRADED,
                  true,
                  reason,
                  message,
                  o.generation(),
                  o.now()));
      return s;
    }
    s.conditions = List.of(ready(o, s, before), progressing(o, s, before), degraded(o, s, before));
    return s;
  }

  private static Condition ready(Observation o, VPNGatewayStatus s, List<Condition> before) {
    boolean ready;
    String reason;
    String message;
    if (o.daemonSet() == null) {
      ready = false;
      reason = "DaemonSetMissing";
      message = "the agent DaemonSet has not been created yet";
    } else if (s.desiredNodes == 0) {
      ready = false;
      reason = "NoNodesSelected";
      message =
          "no node matches spec.nodeSelector and spec.tolerations; label a node or tolerate its"
              + " taints";
    } else if (s.readyNodes == 0) {
      ready = false;
      reason = "NoAgentServing";
      message = "0/" + s.desiredNodes + " agents serving; " + notServing(s);
    } else if (s.readyNodes < s.desiredNodes) {
      ready = false;
      reason = "PartiallyServing";
      message = s.nodesReady + " agents serving; " + notServing(s);
    } else {
      ready = true;
      reason = "Serving";
      message = "agents on " + s.nodesReady + " nodes are serving " + s.sessions + " sessions";
    }
    return Conditions.of(
        before, VPNGatewayStatus.READY, ready, reason, message, o.generation(), o.now());
  }

  private static Condition progressing(Observation o, VPNGatewayStatus s, List<Condition> before) {
    var ds = o.daemonSet();
    String reason = "RolloutComplete";
    String message = "every agent runs generation " + o.generation();
    boolean progressing = false;
    if (ds == null) {
      progressing = true;
      reason = "Creating";
      message = "creating the agent DaemonSet";
    } else {
      var st = ds.getStatus();
      long dsGeneration =
          ds.getMetadata().getGeneration() == null ? 0 : ds.getMetadata().getGeneration();
      long lagging =
          o.nodes().stream()
              .map(VPNGatewayNode::getStatus)
              .filter(n -> n != null && Boolean.TRUE.equals(n.serving))
              .filter(n -> n.configGeneration == null || n.configGeneration < o.generation())
              .count();
      if (st == null
          || st.getObservedGeneration() == null
          || st.getObservedGeneration() < dsGeneration) {
        progressing = true;
        reason = "RollingOut";
        message = "waiting for the DaemonSet controller to observe generation " + dsGeneration;
      } else if (value(st.getUpdatedNumberScheduled()) < value(st.getDesiredNumberScheduled())) {
        progressing = true;
        reason = "RollingOut";
        message =
            value(st.getUpdatedNumberScheduled())
                + "/"
                + value(st.getDesiredNumberScheduled())
                + " nodes run the current agent pod template";
      } else if (lagging > 0) {
        progressing = true;
        reason = "ReloadingConfig";
        message = lagging + " agents still run a config older than generation " + o.generation();
      }
    }
    return Conditions.of(
        before,
        VPNGatewayStatus.PROGRESSING,
        progressing,
        reason,
        message,
        o.generation(),
        o.now());
  }

  private static Condition degraded(Observation o, VPNGatewayStatus s, List<Condition> before) {
    List<String> issues = new ArrayList<>();
    String reason = "AsExpected";
    for (GatewayNodeSummary n : s.nodes) {
      // an agent that is starting is not serving yet (Ready says so), but nothing is wrong
      if (n.lastError != null && !NOT_REPORTED.equals(n.lastError)) {
        issues.add("node " + n.node + ": " + n.lastError);
        reason = "AgentError";
      }
    }
    if (reason.equals("AgentError")) {
      // the agents' own reason (ControlPortInUse, NatFailed, ...) when they all give the same one
      List<String> reasons =
          o.nodes().stream()
              .map(n -> agentReason(n, o.now()))
              .filter(r -> r != null)
              .distinct()
              .toList();
      if (reasons.size() == 1) {
        reason = reasons.getFirst();
      }
    }
    for (GatewayNodeSummary n : s.nodes) {
      if (!n.missingCapabilities.isEmpty()) {
        issues.add("node " + n.node + " lacks " + String.join(", ", n.missingCapabilities));
        if (reason.equals("AsExpected")) {
          reason = "MissingKernelFeatures";
        }
      }
    }
    String message = issues.isEmpty() ? "no agent reports an error" : String.join("; ", issues);
    return Conditions.of(
        before,
        VPNGatewayStatus.DEGRADED,
        !issues.isEmpty(),
        reason,
        message,
        o.generation(),
        o.now());
  }

  /** The reason of a live agent's error, "AgentError" for another node error, null for none. */
  private static String agentReason(VPNGatewayNode node, Instant now) {
    VPNGatewayNodeStatus st = node.getStatus();
    if (st == null) {
      return null;
    }
    if (!fresh(st.heartbeat, now)) {
      return "AgentError";
    }
    if (st.lastError == null || st.lastError.message == null) {
      return null;
    }
    return st.lastError.reason == null ? "AgentError" : st.lastError.reason;
  }

  /** One node's summary; ready needs serving and a heartbeat younger than the timeout. */
  static GatewayNodeSummary summarize(VPNGatewayNode node, Instant now) {
    GatewayNodeSummary n = new GatewayNodeSummary();
    n.node = node.getSpec() == null ? node.getMetadata().getName() : node.getSpec().node;
    VPNGatewayNodeStatus st = node.getStatus();
    if (st == null) {
      n.ready = false;
      n.sessions = 0;
      n.paths = 0;
      n.workers = 0;
      n.missingCapabilities = List.of();
      n.lastError = NOT_REPORTED;
      return n;
    }
    n.heartbeat = st.heartbeat;
    boolean fresh = fresh(st.heartbeat, now);
    n.ready = Boolean.TRUE.equals(st.serving) && fresh;
    n.sessions = st.sessionCount != null ? st.sessionCount : st.sessions.size();
    n.paths = st.sessions.stream().mapToInt(x -> x.paths.size()).sum();
    n.workers = st.workers == null ? 0 : st.workers;
    n.missingCapabilities = missing(st.capabilities);
    if (!fresh) {
      n.lastError = "no heartbeat since " + (st.heartbeat == null ? "start" : st.heartbeat);
    } else if (st.lastError != null && st.lastError.message != null) {
      n.lastError =
          (st.lastError.reason == null ? "" : st.lastError.reason + ": ") + st.lastError.message;
    }
    return n;
  }

  private static List<String> missing(KernelCapabilities caps) {
    if (caps == null) {
      return List.of();
    }
    Map<String, Capability> all = new LinkedHashMap<>();
    all.put("reusePort", caps.reusePort);
    all.put("reusePortSteering", caps.reusePortSteering);
    all.put("multiqueueTun", caps.multiqueueTun);
    all.put("ipPktinfo", caps.ipPktinfo);
    all.put("ipv6Pktinfo", caps.ipv6Pktinfo);
    all.put("mptcp", caps.mptcp);
    all.put("udpSegmentation", caps.udpSegmentation);
    return all.entrySet().stream()
        .filter(e -> e.getValue() != null && Boolean.FALSE.equals(e.getValue().available))
        .map(Map.Entry::getKey)
        .toList();
  }

  private static boolean fresh(String heartbeat, Instant now) {
    if (heartbeat == null) {
      return false;
    }
    try {
      return Duration.between(Instant.parse(heartbeat), now).compareTo(HEARTBEAT_TIMEOUT) <= 0;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static String notServing(VPNGatewayStatus s) {
    List<String> down =
        s.nodes.stream()
            .filter(n -> !n.ready)
            .map(n -> n.node + " (" + (n.lastError == null ? "not serving" : n.lastError) + ")")
            .toList();
    return down.isEmpty()
        ? "agent pods have not reported a VPNGatewayNode yet; check `kubectl get pods` and agent logs"
        : "not serving: " + String.join(", ", down);
  }

  private static int value(Integer i) {
    return i == null ? 0 : i;
  }
}
