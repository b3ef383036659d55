package dev.braid.api.config;

/**
 * One thing wrong with a config document.
 *
 * @param path field path such as {@code tls.caFile} or {@code routes[2]}
 * @param message what is wrong, in words a person can act on
 */
public record ConfigProblem(String path, String message) {
  @Override
  public String toString() {
    return path + ": " + message;
  }
}
