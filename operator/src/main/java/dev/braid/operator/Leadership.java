package dev.braid.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.HttpURLConnection;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this replica holds the Lease, as probes, metrics and logs tell it; and the Lease
 * hand-over on shutdown. Without leader election every replica leads.
 */
final class Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final OperatorSettings settings;
  private final AtomicBoolean leading;
  private final AtomicReference<String> leader = new AtomicReference<>();
  private final AtomicBoolean stopping = new AtomicBoolean();

  Leadership(OperatorSettings settings, MeterRegistry registry) {
    this.settings = settings;
    this.leading = new AtomicBoolean(!settings.leaderElection());
    Gauge.builder("braid.operator.leader", leading, l -> l.get() ? 1 : 0)
        .description("1 while this replica holds the leader Lease and reconciles, 0 on standby")
        .register(registry);
  }

  /** True while this replica reconciles. */
  boolean leading() {
    return leading.get();
  }

  /** One line for probes and people: {@code leader <id>} or {@code standby, leader is <id>}. */
  String describe() {
    if (!settings.leaderElection()) {
      return "leader " + settings.identity() + " (leader election off)";
    }
    if (leading.get()) {
      return "leader " + settings.identity();
    }
    String current = leader.get();
    return "standby " + settings.identity() + ", leader is " + (current == null ? "?" : current);
  }

  /**
   * Callbacks for JOSDK's elector. Losing the Lease while running ends the process (when {@code
   * exitOnLost}): reconciles already under way cannot be stopped safely, and a new process starts
   * clean as a standby. Losing it because we stop is expected.
   */
  LeaderCallbacks callbacks(boolean exitOnLost) {
    return new LeaderCallbacks(
        () -> {
          leading.set(true);
          LOG.info("leading: {} holds Lease {}", settings.identity(), leaseRef());
        },
        () -> {
          leading.set(false);
          if (stopping.get()) {
            return;
          }
          if (exitOnLost) {
            LOG.error("lost Lease {}: exiting so that only the new leader reconciles", leaseRef());
            // not on this thread: it belongs to the elector, which System.exit's hooks stop
            Thread.ofPlatform().name("braid-operator-lost-lease").start(() -> System.exit(1));
          } else {
            LOG.warn("lost Lease {}", leaseRef());
          }
        },
        id -> {
          leader.set(id);
          LOG.info("leader of {} is now {}", leaseRef(), id == null || id.isEmpty() ? "none" : id);
        });
  }

  /** Marks a deliberate stop, so that the elector's "stopped leading" does not end the process. */
  void stopping() {
    stopping.set(true);
  }

  /**
   * Empties the Lease if this replica still holds it, so that a standby takes over within its retry
   * period instead of waiting for the Lease to expire. Call after reconciling has stopped. JOSDK's
   * elector never releases (it would not report the loss of a released Lease).
   */
  void release(KubernetesClient client) {
    if (!settings.leaderElection()) {
      return;
    }
    try {
      Lease lease =
          client
              .leases()
              .inNamespace(settings.leaseNamespace())
              .withName(OperatorSettings.LEASE_NAME)
              .get();
      if (lease == null
          || !Objects.equals(settings.identity(), lease.getSpec().getHolderIdentity())) {
        return;
      }
      ZonedDateTime now = ZonedDateTime.now();
      lease.getSpec().setHolderIdentity(null);
      lease.getSpec().setLeaseDurationSeconds(1);
      lease.getSpec().setAcquireTime(now);
      lease.getSpec().setRenewTime(now);
      // an update carries the resourceVersion: if another replica took the Lease meanwhile, 409
      client.resource(lease).update();
      LOG.info("released Lease {}", leaseRef());
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        LOG.info("Lease {} changed hands while releasing it", leaseRef());
      } else {
        LOG.warn("could not release Lease {}: {}", leaseRef(), e.getMessage());
      }
    }
  }

  private String leaseRef() {
    return settings.leaseNamespace() + "/" + OperatorSettings.LEASE_NAME;
  }
}
