package io.interlock.worker.props;

import java.net.URI;
import java.util.function.LongSupplier;

/**
 * The running dev stack as the property classes see it: where its HTTP API listens, and how many
 * mutations the simulated Kubernetes API server has persisted. Attached by the @QuarkusTest that
 * runs them; JDK types only, because Quarkus and jqwik load these classes in different loaders.
 */
public final class LiveStack {
  private static volatile URI base;
  private static volatile LongSupplier mutations;

  private LiveStack() {}

  public static void attach(URI base, LongSupplier mutations) {
    LiveStack.base = base;
    LiveStack.mutations = mutations;
  }

  static URI base() {
    return require(base);
  }

  static long mutations() {
    return require(mutations).getAsLong();
  }

  private static <T> T require(T handle) {
    if (handle == null) {
      throw new IllegalStateException(
          "no dev stack attached: run RestPropertiesTest or McpPropertiesTest, which start"
              + " it and run these properties against it");
    }
    return handle;
  }
}
