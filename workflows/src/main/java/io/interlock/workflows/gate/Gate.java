package io.interlock.workflows.gate;

import static io.interlock.workflows.gate.AuditTrail.detail;

import io.interlock.contract.activities.ExecuteRequest;
import io.interlock.contract.activities.PolicyCheck;
import io.interlock.contract.activities.ResolvedCall;
import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.activities.RollbackRequest;
import io.interlock.contract.activities.VerifyRequest;
import io.interlock.contract.values.ApprovalRecord;
import io.interlock.contract.values.AuditKind;
import io.interlock.contract.values.CallerText;
import io.interlock.contract.values.Confidence;
import io.interlock.contract.values.Effect;
import io.interlock.contract.values.PendingApproval;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.contract.values.PolicyStage;
import io.interlock.contract.values.StepState;
import io.interlock.contract.values.ToolSpec;
import io.interlock.contract.values.Verdict;
import io.interlock.contract.values.Verification;
import io.interlock.workflows.StepBudget;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
  private final SearchIndex index;

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
    this.index = index;
  }

  /** Drives a step until it ends, or parks it awaiting approval when continue-as-new is due. */
  void drive(Step s) {
    while (!s.state().isFinal()) {
      StepState next =
          switch (s.state()) {
            case PROPOSED -> s.effect == Effect.READ ? checkRead(s) : preview(s);
            case RUNNING -> read(s);
            case PREVIEWED -> check(s, PolicyStage.PROPOSE);
            case POLICY_CHECKED -> desk.open(s);
            case AWAITING_APPROVAL -> awaitDecision(s);
            case APPROVED -> check(s, PolicyStage.RECHECK);
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

  /** The registry decides READ or WRITE; an unknown tool counts as WRITE and is refused. */
  void resolve(Step s) {
    ResolvedCall resolved;
    try {
      resolved = act.tools.resolve(task.environment(), s.call);
    } catch (ActivityFailure f) {
      s.effect = Effect.WRITE;
      move(s, fail(s, "could not resolve the tool: " + act.describe(f), AuditKind.TOOL_REFUSED));
      return;
    }
    if (resolved.spec() == null) {
      s.effect = Effect.WRITE;
      move(s, fail(s, String.join("; ", resolved.problems()), AuditKind.TOOL_REFUSED));
      return;
    }
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
      proposeRollback(s);
    }
  }

  boolean continueAsNewDue() {
    return Workflow.getInfo().isContinueAsNewSuggested()
        || Workflow.getInfo().getHistoryLength() > task.historyLimit();
  }

  /** Reads need no approval, but obey the environment, its namespaces and its allowed tools. */
  private StepState checkRead(Step s) {
    s.policy = policy(s, PolicyStage.PROPOSE);
    return s.policy.allowed() ? StepState.RUNNING : block(s, s.policy);
  }

  private StepState read(Step s) {
    try {
      s.result = act.tools.read(task.environment(), s.call);
    } catch (ActivityFailure f) {
      return fail(s, act.describe(f), AuditKind.READ_FAILED);
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

  /** A denial at PROPOSE that policy lets approvers override (break glass) still goes to them. */
  private StepState check(Step s, PolicyStage stage) {
    PolicyDecision d = policy(s, stage);
    if (stage == PolicyStage.PROPOSE) {
      s.policy = d;
    } else {
      s.recheck = d;
    }
    audit.record(s.stepId, stage.audit(), ENGINE, policyDetail(d));
    boolean overridable = stage == PolicyStage.PROPOSE && !d.overridableBy().isEmpty();
    return d.allowed() || overridable ? stage.passed() : block(s, d);
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
    settled(
        s, outcome); // the inbox hears the outcome while the index still shows the step awaiting
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
      case AWAITING_APPROVAL -> {
        index.upsert(false);
        notifyAwaiting(s);
      }
      case BLOCKED, EXPIRED -> settled(s, next);
      default -> {} // other states concern only the step
    }
  }

  private StepState block(Step s, PolicyDecision d) {
    s.error =
        "blocked by policy rule "
            + d.ruleId()
            + " ("
            + d.stage()
            + ", policy "
            + d.policyVersion()
            + "): "
            + d.reason();
    audit.record(s.stepId, AuditKind.BLOCKED, ENGINE, policyDetail(d));
    return AuditKind.BLOCKED.leadsTo();
  }

  private StepState fail(Step s, String why, AuditKind kind) {
    s.error = CallerText.bounded(why, StepBudget.ERROR_CHARS);
    audit.record(s.stepId, kind, ENGINE, detail("tool", s.call.tool(), "error", s.error));
    return kind.leadsTo();
  }

  private PolicyDecision policy(Step s, PolicyStage stage) {
    String breakGlass =
        stage == PolicyStage.RECHECK && ApprovalRules.needsBreakGlass(s)
            ? ApprovalRules.breakGlassReason(s)
            : null;
    try {
      ToolSpec spec =
          new ToolSpec(s.call.tool(), s.effect, s.idempotent, s.destructive, null, null, null);
      return StepBudget.bounded(
          act.policy.check(
              new PolicyCheck(
                  stage,
                  task.taskId(),
                  s.stepId,
                  task.requester(),
                  task.environment(),
                  s.call,
                  spec,
                  s.preview,
                  List.copyOf(s.approvals),
                  breakGlass,
                  task.taskRunId(),
                  s.callHash)));
    } catch (ActivityFailure f) {
      // Fail closed: no policy answer is a denial.
      return new PolicyDecision(
          false,
          "policy.unavailable",
          "policy could not be evaluated: "
              + act.describe(f)
              + "; the step is blocked (fail closed)",
          0,
          List.of(),
          "unknown",
          stage,
          Map.of(),
          0,
          0,
          List.of());
    }
  }

  private void proposeRollback(Step s) {
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

  private void notifyAwaiting(Step s) {
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
            s.policy,
            AuditTrail.now(),
            s.deadline);
    // Fire and forget: the inbox is bookkeeping and must never hold up the gate.
    Async.procedure(act.inbox::awaitingApproval, pending);
  }

  private void settled(Step s, StepState outcome) {
    Async.procedure(act.inbox::settled, task.taskId(), s.stepId, outcome.name());
    index.upsert(false);
  }

  private static Map<String, Object> policyDetail(PolicyDecision d) {
    return detail(
        "stage",
        d.stage(),
        "allowed",
        d.allowed(),
        "ruleId",
        d.ruleId(),
        "reason",
        d.reason(),
        "policyVersion",
        d.policyVersion(),
        "requiredApprovals",
        d.requiredApprovals(),
        "observed",
        d.observed(),
        "overridableBy",
        d.overridableBy());
  }
}
