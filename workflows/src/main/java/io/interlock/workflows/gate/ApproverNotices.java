package io.interlock.workflows.gate;

import io.interlock.contract.values.PendingApproval;
import io.interlock.contract.values.StepState;
import io.temporal.workflow.Async;

/** Tells the inbox (and so the approvers) and the search index when a step waits or settles. */
final class ApproverNotices {
  private final TaskContext task;
  private final GateActivities act;
  private final SearchIndex index;

  ApproverNotices(TaskContext task, GateActivities act, SearchIndex index) {
    this.task = task;
    this.act = act;
    this.index = index;
  }

  void awaiting(Step s) {
    index.upsert();
    PendingApproval pending =
        new PendingApproval(
            task.taskId(),
            s.stepId,
            task.environment(),
            task.requester(),
            task.goal(),
            s.call.tool(),
            s.preview.target(),
            s.preview.summary(),
            s.preview.diff(),
            s.callHash,
            s.policy.withoutKeys(),
            AuditTrail.now(),
            s.deadline);
    // Not waited for: the inbox is bookkeeping and must never hold up the gate.
    act.notice(inbox -> Async.procedure(inbox::awaitingApproval, pending));
  }

  void settled(Step s, StepState outcome) {
    act.notice(inbox -> Async.procedure(inbox::settled, task.taskId(), s.stepId, outcome.name()));
    index.upsert();
  }
}
