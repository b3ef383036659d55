package dev.braid.e2e.cluster;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives test methods (and {@code @BeforeAll} methods) a {@link RealCluster} parameter: the one
 * cluster of this test run, started by the first class that asks and stopped when the run ends
 * (JUnit closes it with the root context's store), so that every {@code *E2E} class shares it.
 */
public final class RealClusterExtension implements ParameterResolver {
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RealCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .computeIfAbsent(
            RealCluster.class,
            k -> {
              try {
                return RealCluster.start();
              } catch (Exception e) {
                throw new IllegalStateException(
                    "starting the single-node cluster: " + e.getMessage(), e);
              }
            },
            RealCluster.class);
  }
}
