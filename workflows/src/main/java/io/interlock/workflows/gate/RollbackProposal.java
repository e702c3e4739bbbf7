package io.interlock.workflows.gate;

import static io.interlock.workflows.gate.AuditTrail.detail;

import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.activities.RollbackRequest;
import io.interlock.contract.values.AuditKind;
import io.temporal.failure.ActivityFailure;

/** After a failed verification: asks for the undo and queues it first, as a gated step. */
final class RollbackProposal {
  private static final String ENGINE = "engine";

  private final TaskContext task;
  private final GateActivities act;
  private final AuditTrail audit;
  private final StepQueue steps;

  RollbackProposal(TaskContext task, GateActivities act, AuditTrail audit, StepQueue steps) {
    this.task = task;
    this.act = act;
    this.audit = audit;
    this.steps = steps;
  }

  /** The rollback is a proposal like any other write: it needs its own approval. */
  void propose(Step s) {
    RollbackPlan plan;
    try {
      plan = act.tools.planRollback(new RollbackRequest(task.environment(), s.call, s.execution));
    } catch (ActivityFailure f) {
      audit.record(s.stepId, AuditKind.NO_ROLLBACK, ENGINE, detail("why", act.describe(f)));
      return;
    }
    if (plan == null || plan.call() == null) {
      audit.record(
          s.stepId,
          AuditKind.NO_ROLLBACK,
          ENGINE,
          detail("why", plan == null ? "no plan" : plan.note()));
      return;
    }
    Step rollback = steps.propose(plan.call(), s.stepId, ENGINE);
    steps.enqueueFirst(rollback);
    audit.record(
        rollback.stepId,
        AuditKind.ROLLBACK_PROPOSED,
        ENGINE,
        detail("rollbackOf", s.stepId, "call", plan.call(), "note", plan.note()));
  }
}
