package io.interlock.activities.tools;

/**
 * One tool: a small class carrying its own metadata. Whether it is READ or WRITE is not declared
 * but structural: a tool is a WRITE exactly when it implements {@link WriteTool}.
 */
public interface Tool {
  /** Catalog name, for example {@code k8s.scale}. */
  String name();

  String description();

  ArgsSchema schema();

  /** Running it twice has the same effect as once (retries are then harmless). */
  default boolean idempotent() {
    return false;
  }

  /** It removes or replaces something that is hard to get back. */
  default boolean destructive() {
    return false;
  }
}
