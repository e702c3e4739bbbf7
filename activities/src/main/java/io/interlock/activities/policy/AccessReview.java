package io.interlock.activities.policy;

import java.util.HashMap;
import java.util.Map;

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

  /**
   * This review, asking the cluster once per request: for one look, whose ACCESS and PROPOSE checks
   * ask the same permissions milliseconds apart. Not thread-safe; never for the re-check before a
   * write, which asks the cluster afresh.
   */
  static AccessReview once(AccessReview review) {
    Map<AccessRequest, AccessVerdict> answered = new HashMap<>();
    return request -> {
      AccessVerdict known = answered.get(request);
      if (known == null) {
        known = review.review(request);
        answered.put(request, known);
      }
      return known;
    };
  }
}
