package io.interlock.workflows.lock;

import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateStage;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What surfaces (REST, CLI, UI) call to lock, unlock and read an environment's lock. Lock and
 * unlock use update-with-start, so the first lock of an environment creates its lock workflow and
 * the caller gets the resulting state (or the validator's refusal) in one round trip.
 */
public final class EnvironmentLockClient {
  private final WorkflowClient client;

  public EnvironmentLockClient(WorkflowClient client) {
    this.client = client;
  }

  /**
   * Locks {@code environment}. {@code until} may be null (locked until someone unlocks).
   *
   * @throws io.temporal.client.WorkflowUpdateException when the request is refused (no reason, past
   *     expiry)
   */
  public LockState lock(String environment, String who, String why, Instant until) {
    holder(environment); // a squatter on the lock id goes first
    EnvironmentLock stub = startingStub(environment);
    LockRequest request = new LockRequest(who, why, until == null ? null : until.toString());
    return WorkflowClient.executeUpdateWithStart(
        stub::lock,
        request,
        updateOptions(),
        new WithStartWorkflowOperation<>(stub::run, LockLedger.fresh(environment)));
  }

  /** Clears the lock of {@code environment}; harmless when it is not locked. */
  public LockState unlock(String environment, String who, String why) {
    holder(environment); // a squatter on the lock id goes first
    EnvironmentLock stub = startingStub(environment);
    return WorkflowClient.executeUpdateWithStart(
        stub::unlock,
        new UnlockRequest(who, why),
        updateOptions(),
        new WithStartWorkflowOperation<>(stub::run, LockLedger.fresh(environment)));
  }

  /**
   * The lock as its workflow holds it; an environment never locked has no workflow and is unlocked
   * (one describe says so: every policy check reads the lock, so a lock-free environment costs that
   * one call, not a query that fails after it).
   */
  public LockState read(String environment) {
    try {
      if (holder(environment) != Holder.OURS) {
        return LockState.unlocked(environment);
      }
      return untyped(environment).query("state", LockState.class);
    } catch (WorkflowNotFoundException e) {
      return LockState.unlocked(environment);
    }
  }

  /** The lock events of the current run, including those carried over (most recent last). */
  public List<LockEvent> history(String environment) {
    try {
      LockEvent[] events = untyped(environment).query("history", LockEvent[].class);
      return List.of(events);
    } catch (WorkflowNotFoundException e) {
      return List.of();
    }
  }

  /** Who holds the lock id: nobody, the lock workflow, or a squatter that was just removed. */
  private enum Holder {
    NONE,
    OURS,
    RECLAIMED
  }

  /**
   * Any client in the namespace can start a workflow under {@code env-lock-<E>} before the real
   * lock workflow exists. Such a squatter is not a lock: it is terminated and the environment reads
   * as unlocked (the id was free, so no lock was ever set).
   */
  private Holder holder(String environment) {
    WorkflowStub stub = untyped(environment);
    io.temporal.client.WorkflowExecutionDescription d;
    try {
      d = stub.describe();
    } catch (WorkflowNotFoundException e) {
      return Holder.NONE;
    }
    var info = d.getWorkflowExecutionInfo();
    boolean running =
        info.getStatus()
            == io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    boolean ours =
        EnvironmentLock.TYPE.equals(info.getType().getName())
            && EnvironmentLock.TASK_QUEUE.equals(info.getTaskQueue());
    if (ours) {
      return Holder.OURS;
    }
    if (running) {
      client
          .newUntypedWorkflowStub(
              EnvironmentLock.workflowId(environment),
              Optional.of(info.getExecution().getRunId()),
              Optional.empty())
          .terminate(
              "not an Interlock lock: a "
                  + info.getType().getName()
                  + " on "
                  + info.getTaskQueue()
                  + " took the lock id "
                  + EnvironmentLock.workflowId(environment));
    }
    return Holder.RECLAIMED;
  }

  private WorkflowStub untyped(String environment) {
    return client.newUntypedWorkflowStub(
        EnvironmentLock.workflowId(environment), Optional.empty(), Optional.empty());
  }

  private EnvironmentLock startingStub(String environment) {
    return client.newWorkflowStub(
        EnvironmentLock.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(EnvironmentLock.workflowId(environment))
            .setTaskQueue(EnvironmentLock.TASK_QUEUE)
            // One lock workflow per environment: join the running one rather than fail.
            .setWorkflowIdConflictPolicy(
                WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
            .build());
  }

  private static UpdateOptions<LockState> updateOptions() {
    return UpdateOptions.<LockState>newBuilder(LockState.class)
        .setWaitForStage(WorkflowUpdateStage.COMPLETED)
        .build();
  }
}
