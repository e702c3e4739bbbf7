package io.interlock.workflows.gate;

import static io.interlock.workflows.gate.AuditTrail.detail;

import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.AuditKind;
import io.interlock.contract.values.Effect;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.temporal.workflow.Workflow;

/** A proposal from the agent: reads run at once, writes queue and answer once they wait. */
final class Proposals {
  private final TaskContext task;
  private final AuditTrail audit;
  private final StepQueue steps;
  private final Gate gate;

  Proposals(TaskContext task, AuditTrail audit, StepQueue steps, Gate gate) {
    this.task = task;
    this.audit = audit;
    this.steps = steps;
    this.gate = gate;
  }

  StepView propose(ToolCall call) {
    Step s = steps.propose(call, null, task.requester());
    if (steps.haltedBy != null && steps.active == null) {
      audit.record(
          s.stepId, AuditKind.RESUMED, task.requester(), detail("haltedBy", steps.haltedBy));
      steps.haltedBy = null;
    }
    // Reads never wait for approvals, only for a write that is executing right now.
    // A write is previewed in the same hop only when nothing is ahead of it.
    boolean readNow = !steps.mutating();
    gate.resolve(s, readNow, steps.isEmpty() && steps.active == null);
    if (!s.state().isFinal() && s.effect == Effect.READ) {
      if (!readNow) {
        s.looked = null;
        Workflow.await(() -> !steps.mutating());
      }
      gate.drive(s);
    }
    if (s.state().isFinal()) {
      StepView answer = s.view();
      steps.keepBounded(false);
      return answer;
    }
    steps.enqueueInOrder(s);
    // A write answers once it waits for approval, or once the step ahead of it does.
    Workflow.await(
        () ->
            s.state().isFinal()
                || s.state() == StepState.AWAITING_APPROVAL
                || (s.state() == StepState.PROPOSED
                    && steps.active != null
                    && steps.active != s
                    && steps.active.state() == StepState.AWAITING_APPROVAL));
    return s.view();
  }
}
