/**
 * The operator process: settings from the environment, the JOSDK {@code Operator} with leader
 * election and Prometheus metrics, and a small HTTP server for health probes and scraping. Run it
 * against any kubeconfig with {@code ./mvnw -q -pl operator -am exec:java}.
 */
package dev.braid.operator;
