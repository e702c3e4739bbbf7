package io.interlock.activities.policy;

import io.interlock.workflows.lock.EnvironmentLockClient;
import io.interlock.workflows.lock.LockState;
import io.temporal.client.WorkflowClient;

/**
 * Reads an environment's run-time lock for the policy. Throwing means "unknown", which the policy
 * treats as locked (fail closed).
 */
@FunctionalInterface
public interface LockReader {
  LockState read(String environment);

  /** Queries the environment's lock workflow; no lock workflow means unlocked. */
  static LockReader temporal(WorkflowClient client) {
    EnvironmentLockClient locks = new EnvironmentLockClient(client);
    return locks::read;
  }
}
