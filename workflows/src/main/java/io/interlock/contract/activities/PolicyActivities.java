package io.interlock.contract.activities;

import io.interlock.contract.values.PolicyDecision;
import io.temporal.activity.ActivityInterface;

/** Policy evaluation: runs when a write is proposed and again right before it executes. Fails closed. */
@ActivityInterface
public interface PolicyActivities {
  PolicyDecision check(PolicyCheck check);
}
