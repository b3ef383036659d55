package dev.braid.agent.control;

import dev.braid.api.config.AgentConfig;
import dev.braid.api.config.InvalidConfigException;
import dev.braid.api.config.ReloadScope;
import dev.braid.api.v1alpha1.AgentError;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the running config current. {@link #poll()} compares fingerprints instead of relying on
 * file events, because a ConfigMap update swaps a symlink ({@code ..data}) that inotify reports
 * inconsistently, and Secret updates arrive the same way. A new document that does not parse, does
 * not validate or that the data plane rejects is refused with an error naming the field; the last
 * good config keeps running and its sessions stay up.
 */
public final class ConfigReloader {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

  private final Path file;
  private final String nodeName;
  private final ConfigListener listener;
  private final Clock clock;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private volatile ConfigLoader.Loaded current;
  private volatile String refusedFingerprint;
  private volatile AgentError lastError;

  /** Loads the initial config; an invalid one at start is fatal. */
  public ConfigReloader(Path file, String nodeName, ConfigListener listener, Clock clock)
      throws InvalidConfigException, IOException {
    this.file = file;
    this.nodeName = nodeName;
    this.listener = listener;
    this.clock = clock;
    this.current = ConfigLoader.load(file, nodeName);
  }

  /** The config running now. */
  public AgentConfig current() {
    return current.config();
  }

  /** The last refusal, or null when the running config is the newest. */
  public AgentError lastError() {
    return lastError;
  }

  /** Configs applied since start (not counting the first). */
  public long appliedCount() {
    return applied.get();
  }

  /** Configs refused since start. */
  public long refusedCount() {
    return refused.get();
  }

  /**
   * Checks for a change and applies it.
   *
   * @return true when a new config was applied
   */
  public synchronized boolean poll() {
    String fingerprint;
    try {
      fingerprint = ConfigLoader.fingerprint(file, current.config());
    } catch (IOException e) {
      return refuse(null, "ConfigUnreadable", "reading " + file + ": " + e.getMessage());
    }
    if (fingerprint.equals(current.fingerprint()) || fingerprint.equals(refusedFingerprint)) {
      return false;
    }
    ConfigLoader.Loaded next;
    try {
      next = ConfigLoader.load(file, nodeName);
    } catch (InvalidConfigException e) {
      return refuse(fingerprint, "ConfigInvalid", e.getMessage() + "; keeping the running config");
    } catch (IOException e) {
      return refuse(fingerprint, "ConfigUnreadable", "reading " + file + ": " + e.getMessage());
    }
    boolean restart = ReloadScope.needsRestart(current.config(), next.config());
    try {
      listener.apply(current.config(), next.config(), restart);
    } catch (Exception e) {
      return refuse(
          fingerprint,
          "ConfigRejected",
          "the data plane rejected the new config: "
              + e.getMessage()
              + "; keeping the running config");
    }
    LOG.info("applied new config from {} (restart needed: {})", file, restart);
    current = next;
    refusedFingerprint = null;
    lastError = null;
    applied.incrementAndGet();
    return true;
  }

  private boolean refuse(String fingerprint, String reason, String message) {
    refusedFingerprint = fingerprint;
    AgentError error = new AgentError();
    error.reason = reason;
    error.message = message;
    error.time = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    lastError = error;
    refused.incrementAndGet();
    LOG.warn("{}: {}", reason, message);
    return false;
  }
}
