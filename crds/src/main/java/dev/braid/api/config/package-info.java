/**
 * The agent's config document: one YAML file that the operator renders into the agent ConfigMap and
 * that the agent reads in a pod or standalone. {@link dev.braid.api.config.AgentConfigParser} is
 * the single parser for both sides; it checks meaning as well as shape and reports every problem
 * with its field path, so that a bad document is refused before it replaces a good one.
 */
package dev.braid.api.config;
