package io.interlock.workflows.lock;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * One long-lived entity workflow per environment ({@code env-lock-<E>} on {@code interlock-tasks})
 * holding its run-time lock. The policy reads it before every write; its history is the lock's
 * audit trail. A lock with an {@code until} expires by itself at that time.
 */
@WorkflowInterface
public interface EnvironmentLock {
  String TYPE = "EnvironmentLock";
  String TASK_QUEUE = "interlock-tasks";

  static String workflowId(String environment) {
    return "env-lock-" + environment;
  }

  @WorkflowMethod(name = TYPE)
  void run(LockLedger ledger);

  /** Lock (or re-lock, replacing who/why/until). Returns the new state. */
  @UpdateMethod(name = "lock")
  LockState lock(LockRequest request);

  @UpdateValidatorMethod(updateName = "lock")
  void validateLock(LockRequest request);

  /** Clear the lock; unlocking an unlocked environment changes nothing. Returns the new state. */
  @UpdateMethod(name = "unlock")
  LockState unlock(UnlockRequest request);

  @UpdateValidatorMethod(updateName = "unlock")
  void validateUnlock(UnlockRequest request);

  @QueryMethod(name = "state")
  LockState state();

  /** Lock events of this run and those carried over from earlier runs (most recent last). */
  @QueryMethod(name = "history")
  List<LockEvent> history();
}
