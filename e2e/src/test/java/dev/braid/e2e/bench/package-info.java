/**
 * Benchmarks: programs, not tests, that print both sides of each comparison from the same run.
 * Commands and results are in {@code e2e/BENCHMARKS.md}.
 */
package dev.braid.e2e.bench;
