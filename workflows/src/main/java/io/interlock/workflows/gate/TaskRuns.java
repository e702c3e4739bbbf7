package io.interlock.workflows.gate;

import static io.interlock.workflows.gate.AuditTrail.detail;

import io.interlock.contract.activities.RequesterIdentity;
import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.values.AuditKind;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.TaskSnapshot;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.ContinueAsNewOptions;
import io.temporal.workflow.Workflow;
import java.util.Map;

/**
 * A task's runs: how the first one starts, and how each hands its state to the next (accepted only
 * from the task itself).
 */
final class TaskRuns {
  private TaskRuns() {}

  /** The state this run continues from, or null for a fresh start. */
  static TaskSnapshot carried() {
    TaskSnapshot resume =
        Workflow.getMemo(TaskSnapshot.MEMO, TaskSnapshot.class, TaskSnapshot.class);
    if (resume != null && Workflow.getInfo().getContinuedExecutionRunId().isEmpty()) {
      // Only this workflow's own continue-as-new may hand a run its state; a client never can.
      throw ApplicationFailure.newNonRetryableFailure(
          "refused: memo '"
              + TaskSnapshot.MEMO
              + "' carries task state, which only a continue-as-new of the task"
              + " itself may do; start the task without it",
          FailureType.INVALID_ARGS.type());
    }
    return resume;
  }

  /** The first run records the start and queues the planned steps, in order. */
  static void start(TaskContext task, AuditTrail audit, StepQueue steps, TaskRequest request) {
    audit.record(
        null,
        AuditKind.TASK_STARTED,
        task.requester(),
        detail(
            "taskId",
            task.taskId(),
            "environment",
            task.environment(),
            "goal",
            task.goal(),
            "approvalTimeoutSeconds",
            task.approvalTimeoutSeconds(),
            "initialSteps",
            request.steps() == null ? 0 : request.steps().size()));
    if (request.steps() != null) {
      request
          .steps()
          .forEach(call -> steps.enqueueLast(steps.propose(call, null, task.requester())));
    }
  }

  /** Ends this run once every handler finished; the next run starts from the snapshot. */
  static void continueAsNew(
      TaskContext task,
      AuditTrail audit,
      StepQueue steps,
      boolean finishRequested,
      RequesterIdentity requester) {
    Workflow.await(Workflow::isEveryHandlerFinished);
    audit.record(
        null,
        AuditKind.CONTINUED_AS_NEW,
        "engine",
        detail("historyLength", Workflow.getInfo().getHistoryLength()));
    audit.flush();
    steps.keepBounded(true); // the next run carries open steps whole and finished ones compact
    TaskSnapshot snapshot =
        new TaskSnapshot(
            steps.carried(),
            audit.seq(),
            steps.nextNumber(),
            finishRequested,
            steps.haltedBy,
            task.taskId(),
            requester);
    // The carried state rides in the memo; the new run accepts it only as a genuine continuation.
    ContinueAsNewOptions options =
        ContinueAsNewOptions.newBuilder().setMemo(Map.of(TaskSnapshot.MEMO, snapshot)).build();
    Workflow.continueAsNew(options, task.continued());
  }
}
