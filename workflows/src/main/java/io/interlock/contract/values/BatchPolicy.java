package io.interlock.contract.values;

/**
 * What an environment's policy lets one batch statement approve (policy {@code approvals.batch}).
 *
 * @param maxEntries most entries a batch statement may hold for a step here to count (1..100;
 *     default 100, the engine's hard cap)
 * @param destructive whether a step of a destructive tool may be decided in a batch (default true);
 *     false: such a step needs its own statement
 */
public record BatchPolicy(int maxEntries, boolean destructive) {
  public static final int MAX_ENTRIES = 100;
  public static final BatchPolicy DEFAULT = new BatchPolicy(MAX_ENTRIES, true);

  public BatchPolicy {
    maxEntries = maxEntries <= 0 || maxEntries > MAX_ENTRIES ? MAX_ENTRIES : maxEntries;
  }
}
