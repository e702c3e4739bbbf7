package io.interlock.contract.activities;

import io.temporal.activity.ActivityInterface;

/**
 * A step's first hop, served on {@code interlock-env-<environment>}: resolves the call and, for a
 * READ, checks policy and reads in the same activity, so an agent's read costs one round trip
 * instead of three. Policy still decides before anything is read. A workflow worker that also
 * serves the environment runs it as a local activity (no task queue hop); one that does not answers
 * {@link NotServedHere} and the gate sends it to the environment's queue.
 */
@ActivityInterface
public interface LookActivities {
  /**
   * Attempts the gate gives a look; a retryable failure on the last one is reported, not thrown.
   */
  int ATTEMPTS = 3;

  Look look(LookRequest request);
}
