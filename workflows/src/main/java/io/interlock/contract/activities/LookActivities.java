package io.interlock.contract.activities;

import io.temporal.activity.ActivityInterface;

/**
 * A step's first hop, served on {@code interlock-env-<environment>}: resolves the call and, for a
 * READ, checks policy and reads in the same activity, so an agent's read costs one round trip
 * instead of three. Policy still decides before anything is read.
 */
@ActivityInterface
public interface LookActivities {
  /**
   * Attempts the gate gives a look; a retryable failure on the last one is reported, not thrown.
   */
  int ATTEMPTS = 3;

  Look look(LookRequest request);
}
