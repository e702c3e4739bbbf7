package io.interlock.activities.policy;

/**
 * Asks the environment's cluster whether the engine's own credentials may do something, before the
 * write runs, so a missing permission is a clear BLOCKED rather than a 403 half-way.
 */
@FunctionalInterface
public interface AccessReview {
  /**
   * @throws RuntimeException when the cluster cannot answer (the policy then denies)
   */
  AccessVerdict review(AccessRequest request);
}
