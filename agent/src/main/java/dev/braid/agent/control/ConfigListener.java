package dev.braid.agent.control;

import dev.braid.api.config.AgentConfig;

/** Receives each new valid config; the data plane applies it. */
@FunctionalInterface
public interface ConfigListener {
  /**
   * Applies a new config.
   *
   * @param previous the config running until now
   * @param next the new config, already validated
   * @param restartNeeded true when sockets, TUN queues or workers must be recreated; false when the
   *     change can be applied without dropping sessions
   * @throws Exception when the data plane cannot apply it; the control side reports the error and
   *     keeps {@code previous} as the running config
   */
  void apply(AgentConfig previous, AgentConfig next, boolean restartNeeded) throws Exception;
}
