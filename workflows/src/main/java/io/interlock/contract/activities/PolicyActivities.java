package io.interlock.contract.activities;

import io.interlock.contract.values.PolicyDecision;
import io.temporal.activity.ActivityInterface;

/**
 * Policy evaluation: runs when a write is proposed and again right before it executes. Fails
 * closed.
 */
@ActivityInterface
public interface PolicyActivities {
  PolicyDecision check(PolicyCheck check);

  /** Verifies the requester's proof with this environment's keys and says what policy requires. */
  RequesterIdentity identify(RequesterCheck check);
}
