package io.interlock.workflows.gate;

import static io.interlock.workflows.gate.AuditTrail.detail;

import io.interlock.contract.activities.ExecuteRequest;
import io.interlock.contract.activities.Look;
import io.interlock.contract.activities.LookRequest;
import io.interlock.contract.activities.ResolvedCall;
import io.interlock.contract.activities.VerifyRequest;
import io.interlock.contract.values.ApprovalRecord;
import io.interlock.contract.values.AuditKind;
import io.interlock.contract.values.CallerText;
import io.interlock.contract.values.Confidence;
import io.interlock.contract.values.Effect;
import io.interlock.contract.values.PolicyStage;
import io.interlock.contract.values.StepState;
import io.interlock.contract.values.Verdict;
import io.interlock.contract.values.Verification;
import io.interlock.workflows.StepBudget;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;

/**
 * A step's life. Reads: policy, then run. Writes: preview → policy → approval (hash-bound, with a
 * deadline, never by the requester) → policy re-check → execute with preconditions → verify; a
 * failed verification halts the task and proposes a rollback. {@link #drive} is the whole machine:
 * one stage method per state, each returning the next state, every move checked by {@link
 * Step#moveTo}.
 */
final class Gate {
  private static final String ENGINE = "engine";

  private final TaskContext task;
  private final GateActivities act;
  private final AuditTrail audit;
  private final StepQueue steps;
  private final ApprovalDesk desk;
  private final StepPolicy policy;
  private final ApproverNotices notices;
  private final RollbackProposal rollback;

  Gate(
      TaskContext task,
      GateActivities act,
      AuditTrail audit,
      StepQueue steps,
      ApprovalDesk desk,
      SearchIndex index) {
    this.task = task;
    this.act = act;
    this.audit = audit;
    this.steps = steps;
    this.desk = desk;
    this.policy = new StepPolicy(task, act, audit);
    this.notices = new ApproverNotices(task, act, index);
    this.rollback = new RollbackProposal(task, act, audit, steps);
  }

  /** Drives a step until it ends, or parks it awaiting approval when continue-as-new is due. */
  void drive(Step s) {
    while (!s.state().isFinal()) {
      StepState next =
          switch (s.state()) {
            case PROPOSED -> s.effect == Effect.READ ? policy.checkRead(s) : preview(s);
            case RUNNING -> read(s);
            case PREVIEWED -> policy.check(s, PolicyStage.PROPOSE);
            case POLICY_CHECKED -> desk.open(s);
            case AWAITING_APPROVAL -> awaitDecision(s);
            case APPROVED -> policy.check(s, PolicyStage.RECHECK);
            case POLICY_RECHECKED -> startExecution(s);
            case EXECUTING -> execute(s);
            case VERIFYING -> verify(s);
            default ->
                throw new IllegalStateException(
                    "step " + s.stepId + " is final (" + s.state() + ")");
          };
      if (next == s.state()) {
        return; // only the approval wait parks: continue-as-new carries it over
      }
      move(s, next);
    }
  }

  /**
   * The registry decides READ or WRITE; an unknown tool counts as WRITE and is refused. A READ that
   * may run now comes back already checked by policy and read: one hop instead of three.
   */
  void resolve(Step s, boolean readNow) {
    Look look;
    try {
      look =
          act.look.look(
              new LookRequest(task.environment(), s.call, readNow ? policy.readCheck(s) : null));
    } catch (ActivityFailure f) {
      s.effect = Effect.WRITE;
      move(s, fail(s, "could not resolve the tool: " + act.describe(f), AuditKind.TOOL_REFUSED));
      return;
    }
    ResolvedCall resolved = look.resolved();
    if (resolved.spec() == null) {
      s.effect = Effect.WRITE;
      move(s, fail(s, String.join("; ", resolved.problems()), AuditKind.TOOL_REFUSED));
      return;
    }
    s.looked = look;
    s.effect = resolved.spec().effect();
    s.idempotent = resolved.spec().idempotent();
    s.destructive = resolved.spec().destructive();
    audit.record(
        s.stepId,
        AuditKind.RESOLVED,
        ENGINE,
        detail("effect", s.effect, "idempotent", s.idempotent, "destructive", s.destructive));
    if (!resolved.problems().isEmpty()) {
      String why =
          "invalid arguments for " + s.call.tool() + ": " + String.join("; ", resolved.problems());
      move(s, fail(s, why, AuditKind.TOOL_REFUSED));
    }
  }

  /**
   * A halt skips what is queued; a write whose verification failed gets a rollback proposed first.
   */
  void halt(Step s) {
    steps.halt(s);
    if (s.state() == StepState.VERIFICATION_FAILED) {
      rollback.propose(s);
    }
  }

  boolean continueAsNewDue() {
    return Workflow.getInfo().isContinueAsNewSuggested()
        || Workflow.getInfo().getHistoryLength() > task.historyLimit();
  }

  private StepState read(Step s) {
    Look look = s.looked;
    s.looked = null;
    if (look != null && look.readFailure() != null) {
      return fail(s, look.readFailure(), AuditKind.READ_FAILED);
    } else if (look != null && look.result() != null) {
      s.result = look.result();
    } else {
      try {
        s.result = act.tools.read(task.environment(), s.call);
      } catch (ActivityFailure f) {
        return fail(s, act.describe(f), AuditKind.READ_FAILED);
      }
    }
    audit.record(s.stepId, AuditKind.READ, task.requester(), detail("tool", s.call.tool()));
    return AuditKind.READ.leadsTo();
  }

  private StepState preview(Step s) {
    try {
      s.preview = StepBudget.bounded(act.tools.preview(task.environment(), s.call));
    } catch (ActivityFailure f) {
      return fail(
          s, "preview failed, nothing was changed: " + act.describe(f), AuditKind.PREVIEW_FAILED);
    }
    audit.record(
        s.stepId,
        AuditKind.PREVIEWED,
        ENGINE,
        detail("summary", s.preview.summary(), "preview", s.preview));
    return AuditKind.PREVIEWED.leadsTo();
  }

  /** Waits for enough approvals, a rejection or the deadline; parks when continue-as-new is due. */
  private StepState awaitDecision(Step s) {
    if (ApprovalDesk.preApproved(s)) {
      audit.record(
          s.stepId,
          AuditKind.PRE_APPROVED,
          ENGINE,
          detail("ruleId", s.policy.ruleId(), "policyVersion", s.policy.policyVersion()));
    } else {
      long remaining = Math.max(0, s.deadlineMillis - Workflow.currentTimeMillis());
      boolean woke =
          Workflow.await(
              Duration.ofMillis(remaining),
              () ->
                  ApprovalDesk.decided(s)
                      || (continueAsNewDue() && Workflow.isEveryHandlerFinished()));
      if (!ApprovalDesk.decided(s)) {
        if (woke) {
          return StepState.AWAITING_APPROVAL;
        }
        s.error =
            "no sufficient approval before the deadline " + s.deadline + "; nothing was changed";
        audit.record(
            s.stepId,
            AuditKind.EXPIRED,
            ENGINE,
            detail(
                "deadline",
                s.deadline,
                "approvals",
                s.approvals.size(),
                "requiredApprovals",
                s.policy.requiredApprovals()));
        return AuditKind.EXPIRED.leadsTo();
      }
    }
    StepState outcome = s.rejected ? StepState.REJECTED : StepState.APPROVED;
    // The inbox hears the outcome while the index still shows the step awaiting.
    notices.settled(s, outcome);
    if (outcome == StepState.APPROVED) {
      audit.record(
          s.stepId,
          AuditKind.APPROVED,
          ENGINE,
          detail(
              "approvers",
              s.approvals.stream().map(ApprovalRecord::approver).toList(),
              "callHash",
              s.callHash));
    }
    return outcome;
  }

  private StepState startExecution(Step s) {
    audit.record(
        s.stepId,
        AuditKind.EXECUTING,
        ENGINE,
        detail("callHash", s.callHash, "preconditions", s.preview.target()));
    return AuditKind.EXECUTING.leadsTo();
  }

  private StepState execute(Step s) {
    try {
      s.execution =
          act.writer(s.idempotent)
              .execute(
                  new ExecuteRequest(
                      task.taskId(),
                      s.stepId,
                      task.environment(),
                      s.call,
                      s.preview.target(),
                      s.callHash));
    } catch (ActivityFailure f) {
      return fail(s, act.describeExecute(f), AuditKind.EXECUTION_FAILED);
    }
    audit.record(
        s.stepId,
        AuditKind.EXECUTED,
        ENGINE,
        detail(
            "startedAt",
            s.execution.startedAt(),
            "finishedAt",
            s.execution.finishedAt(),
            "before",
            s.execution.before(),
            "after",
            s.execution.after()));
    s.result = s.execution.result();
    return AuditKind.EXECUTED.leadsTo();
  }

  private StepState verify(Step s) {
    long budget = s.recheck.verifyBudgetSeconds();
    try {
      s.verification =
          act.verifier(budget)
              .verify(new VerifyRequest(task.environment(), s.call, s.execution, budget));
    } catch (ActivityFailure f) {
      s.verification =
          new Verification(
              Verdict.VERIFICATION_FAILED,
              Confidence.LOW,
              List.of(
                  "could not observe the result (no data is never success): " + act.describe(f)));
    }
    AuditKind kind =
        s.verification.verdict() == Verdict.VERIFIED
            ? AuditKind.VERIFIED
            : AuditKind.VERIFICATION_FAILED;
    if (kind == AuditKind.VERIFICATION_FAILED) {
      s.error = "verification failed: " + String.join("; ", s.verification.evidence());
    }
    audit.record(
        s.stepId,
        kind,
        ENGINE,
        detail("confidence", s.verification.confidence(), "evidence", s.verification.evidence()));
    return kind.leadsTo();
  }

  /** Moves the step; entering a state an approver or the index must hear about tells them. */
  private void move(Step s, StepState next) {
    s.moveTo(next);
    switch (next) {
      case AWAITING_APPROVAL -> notices.awaiting(s);
      case BLOCKED, EXPIRED -> notices.settled(s, next);
      default -> {} // other states concern only the step
    }
  }

  private StepState fail(Step s, String why, AuditKind kind) {
    s.error = CallerText.bounded(why, StepBudget.ERROR_CHARS);
    audit.record(s.stepId, kind, ENGINE, detail("tool", s.call.tool(), "error", s.error));
    return kind.leadsTo();
  }
}
