package io.interlock.workflows.gate;

import static io.interlock.workflows.gate.AuditTrail.detail;

import io.interlock.contract.activities.ExecuteRequest;
import io.interlock.contract.activities.Look;
import io.interlock.contract.activities.VerifyRequest;
import io.interlock.contract.values.ApprovalRecord;
import io.interlock.contract.values.AuditKind;
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

  /** How old (workflow time) a first hop's preview may be when its step is driven. */
  private static final long FRESH_MILLIS = 2_000;

  /** Tasks from before it preview a queued write without the access check (see replay tests). */
  private static final String ACCESS_BEFORE_PREVIEW = "access-before-preview";

  private final TaskContext task;
  private final GateActivities act;
  private final AuditTrail audit;
  private final StepQueue steps;
  private final ApprovalDesk desk;
  private final StepPolicy policy;
  private final ApproverNotices notices;
  private final RollbackProposal rollback;
  private final FirstHop firstHop;

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
    this.firstHop = new FirstHop(task, act, audit, policy);
  }

  /** Drives a step until it ends, or parks it awaiting approval when continue-as-new is due. */
  void drive(Step s) {
    while (!s.state().isFinal()) {
      StepState next =
          switch (s.state()) {
            case PROPOSED -> s.effect == Effect.READ ? policy.checkRead(s) : preview(s);
            case RUNNING -> read(s);
            case PREVIEWED -> policy.check(s, PolicyStage.PROPOSE);
            case POLICY_CHECKED -> ApprovalBinding.open(s, task, audit);
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

  /** The step's first hop (see {@link FirstHop}); a refused call ends here. */
  void resolve(Step s, boolean readNow, boolean previewNow) {
    StepState refused = firstHop.resolve(s, readNow, previewNow);
    if (refused != null) {
      move(s, refused);
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

  /**
   * Whether the run may end now: no handler still running and every local inbox notice run (the SDK
   * does not run a local activity scheduled in the workflow task that ends the run).
   */
  boolean quiet() {
    return Workflow.isEveryHandlerFinished() && act.noticesDone();
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

  /**
   * ACCESS, then the preview, then (in {@link StepPolicy#check}) PROPOSE: all in the first hop when
   * the step was driven at once, else in one look now. A call the engine may not send is BLOCKED
   * before anything, its dry run included, reaches the cluster.
   */
  private StepState preview(Step s) {
    Look look = s.looked;
    s.looked = null;
    // The first hop's preview counts only if the step was driven at once, not after a wait.
    boolean fresh =
        look != null
            && look.ranWriteStages()
            && Workflow.currentTimeMillis() - s.lookedAt <= FRESH_MILLIS;
    if (!fresh) {
      try {
        look =
            Workflow.getVersion(ACCESS_BEFORE_PREVIEW, Workflow.DEFAULT_VERSION, 1)
                    == Workflow.DEFAULT_VERSION
                ? previewedBefore(s)
                : act.look(FirstHop.previewRequest(task, s, policy));
      } catch (ActivityFailure f) {
        return fail(
            s, "preview failed, nothing was changed: " + act.describe(f), AuditKind.PREVIEW_FAILED);
      }
    }
    if (look.accessDenied() != null || (look.preview() == null && look.previewFailure() == null)) {
      return policy.blockAccess(s, look);
    } else if (look.previewFailure() != null) {
      return fail(
          s,
          "preview failed, nothing was changed: " + look.previewFailure(),
          AuditKind.PREVIEW_FAILED);
    }
    s.preview = StepBudget.bounded(look.preview());
    s.looked = look; // its PROPOSE decision judged this very preview
    audit.record(
        s.stepId,
        AuditKind.PREVIEWED,
        ENGINE,
        detail("summary", s.preview.summary(), "preview", s.preview));
    return AuditKind.PREVIEWED.leadsTo();
  }

  /**
   * How a task started before the ACCESS stage previews a queued write (its history holds a Preview
   * activity here); the PROPOSE check follows as its own activity. Drop once no such task runs.
   */
  private Look previewedBefore(Step s) {
    return new Look(
        null,
        null,
        StepBudget.bounded(act.tools.preview(task.environment(), s.call)),
        null,
        null,
        null,
        null,
        null);
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
              () -> ApprovalDesk.decided(s) || (continueAsNewDue() && quiet()));
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
    audit.flushBeforeWrite();
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
    return audit.failed(s, why, kind);
  }
}
