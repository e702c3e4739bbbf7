package io.interlock.workflows.gate;

import static io.interlock.workflows.gate.AuditTrail.detail;

import io.interlock.contract.values.AuditKind;
import io.interlock.contract.values.StepState;
import io.temporal.workflow.Workflow;
import java.time.Instant;

/** The step's approval request: the exact call's hash and the deadline approvals must meet. */
final class ApprovalBinding {
  private ApprovalBinding() {}

  /**
   * Binds the step to its call hash and sets its deadline: what every approval is checked against.
   */
  static StepState open(Step s, TaskContext task, AuditTrail audit) {
    long timeout = task.approvalTimeoutSeconds();
    if (s.policy.maxApprovalSeconds() > 0) {
      timeout = Math.min(timeout, s.policy.maxApprovalSeconds());
    }
    s.deadlineMillis = Workflow.currentTimeMillis() + timeout * 1000;
    s.deadline = Instant.ofEpochMilli(s.deadlineMillis).toString();
    // The canonical call once: the hash is taken over it and the audit shows it.
    String canonicalCall = CallHash.canonicalJson(s, task.taskRunId(), task.environment());
    s.callHash = CallHash.ofCanonical(canonicalCall);
    audit.record(
        s.stepId,
        AuditKind.AWAITING_APPROVAL,
        "engine",
        detail(
            "callHash",
            s.callHash,
            "deadline",
            s.deadline,
            "requiredApprovals",
            s.policy.requiredApprovals(),
            "approvers",
            s.policy.approvers(),
            "breakGlassNeeded",
            ApprovalRules.needsBreakGlass(s),
            "canonicalCall",
            canonicalCall));
    return AuditKind.AWAITING_APPROVAL.leadsTo();
  }
}
