package dev.braid.agent.gateway;

import dev.braid.agent.multipath.MultipathConfig;
import dev.braid.agent.multipath.ReorderConfig;
import dev.braid.agent.multipath.SchedulerKind;
import dev.braid.api.config.AgentDefaults;
import dev.braid.api.v1alpha1.MultipathSettings;
import dev.braid.api.v1alpha1.ReorderSettings;
import java.time.Duration;

/**
 * The {@code multipath} section of the agent config as the tuning of a multipath session: the
 * scheduler, the probe interval and the reorder buffer. Shared by the hub (its sessions with Braid
 * sites) and the site (its session to each hub); unset fields take {@link AgentDefaults}.
 */
public final class MultipathSetup {
  private MultipathSetup() {}

  /** The session tuning {@code settings} (null: all defaults) asks for. */
  public static MultipathConfig from(MultipathSettings settings) {
    MultipathConfig.Builder b = MultipathConfig.defaults().toBuilder();
    if (settings == null) {
      settings = new MultipathSettings();
    }
    if (settings.scheduler != null) {
      b.scheduler(SchedulerKind.valueOf(settings.scheduler.name()));
    }
    int probeMillis =
        settings.probeIntervalMillis == null
            ? AgentDefaults.MULTIPATH_PROBE_INTERVAL_MILLIS
            : settings.probeIntervalMillis;
    b.probeInterval(Duration.ofMillis(probeMillis));
    b.reorder(reorder(settings.reorder));
    return b.build();
  }

  private static ReorderConfig reorder(ReorderSettings settings) {
    boolean enabled =
        settings == null || settings.enabled == null
            ? AgentDefaults.MULTIPATH_REORDER
            : settings.enabled;
    if (!enabled) {
      return ReorderConfig.off();
    }
    ReorderConfig d = ReorderConfig.defaults();
    Duration maxHold =
        Duration.ofMillis(
            settings == null || settings.maxHoldMillis == null
                ? AgentDefaults.MULTIPATH_REORDER_MAX_HOLD_MILLIS
                : settings.maxHoldMillis);
    Duration margin = d.margin().compareTo(maxHold) > 0 ? maxHold : d.margin();
    return new ReorderConfig(true, d.maxPackets(), d.maxBytes(), margin, maxHold);
  }
}
