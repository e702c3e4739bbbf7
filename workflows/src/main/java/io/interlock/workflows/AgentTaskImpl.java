package io.interlock.workflows;

import io.interlock.contract.activities.ExecuteRequest;
import io.interlock.contract.activities.InboxActivities;
import io.interlock.contract.activities.PolicyActivities;
import io.interlock.contract.activities.PolicyCheck;
import io.interlock.contract.activities.RequesterCheck;
import io.interlock.contract.activities.RequesterIdentity;
import io.interlock.contract.activities.ResolvedCall;
import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.activities.RollbackRequest;
import io.interlock.contract.activities.ToolActivities;
import io.interlock.contract.activities.VerifyRequest;
import io.interlock.contract.commands.Approval;
import io.interlock.contract.commands.Decision;
import io.interlock.contract.commands.Rejection;
import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.CallerText;
import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.ApprovalRecord;
import io.interlock.contract.values.Confidence;
import io.interlock.contract.values.Effect;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.PendingApproval;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.contract.values.ProofPolicy;
import io.interlock.contract.values.ProofVerdict;
import io.interlock.contract.values.Refusal;
import io.interlock.contract.values.StepState;
import io.interlock.contract.values.TaskSnapshot;
import io.interlock.contract.values.TaskState;
import io.interlock.contract.values.ToolSpec;
import io.interlock.contract.values.Verdict;
import io.interlock.contract.values.Verification;
import io.interlock.contract.views.AuditEntry;
import io.interlock.contract.views.StepView;
import io.interlock.contract.views.TaskResult;
import io.interlock.contract.views.TaskView;
import io.interlock.workflows.proof.ProofVerifier;
import io.interlock.workflows.proof.Statement;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ContinueAsNewOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The gate. Reads run at once; every write goes preview → policy → approval (hash-bound, with a
 * deadline, never by the requester) → policy re-check → execute with preconditions → verify →
 * rollback proposal. Deterministic: no I/O, clocks or randomness outside the Workflow API.
 */
public class AgentTaskImpl implements AgentTask {
  private static final Logger log = Workflow.getLogger(AgentTaskImpl.class);

  static final long DEFAULT_APPROVAL_SECONDS = 3600;
  static final long DEFAULT_IDLE_SECONDS = 86_400;
  /** Bound on steps per task so a runaway agent cannot grow one history without limit. */
  static final int MAX_STEPS = 500;
  /** Continue-as-new before the history gets large (the server also suggests it). */
  static final int HISTORY_LIMIT = 8_000;
  static final int MIN_HISTORY_LIMIT = 100;

  private static final String ENGINE = "engine";
  /** Audit entries the audit() query answers with (the newest, within StepBudget.AUDIT_BYTES); the history has all. */
  static final int AUDIT_KEPT = 1_000;
  /** Refusals kept per step; later ones are only counted (the history keeps every one). */
  static final int MAX_REFUSALS = 50;

  /** Inbox/notification bookkeeping: best effort, a failure never blocks the task. */
  private final InboxActivities inbox =
      Workflow.newActivityStub(
          InboxActivities.class,
          ActivityOptions.newBuilder()
              .setTaskQueue(TASK_QUEUE)
              .setStartToCloseTimeout(Duration.ofSeconds(10))
              .setScheduleToCloseTimeout(Duration.ofMinutes(1))
              // A few retries: the inbox is an index, losing one update is visible but harmless.
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
              .build());

  /** Resolution, reads, previews and rollback planning observe only: retrying is harmless. */
  private final ToolActivities tools;

  /** Policy evaluation is a pure read of policy, locks and permissions: retrying is harmless. */
  private final PolicyActivities policy;

  private final String environmentQueue;
  private final String requester;
  private final String environment;
  private final String goal;
  private final long approvalTimeoutSeconds;
  private final long idleTimeoutSeconds;
  private final boolean finishWhenDone;
  private final int historyLimit;

  private String taskId;
  /** First run id of this task's continue-as-new chain: what a call hash binds the task by. */
  private final String taskRunId;
  private final List<Step> steps = new ArrayList<>();
  private final List<Step> queue = new ArrayList<>();
  /** The latest audit entries, for the audit() query; the history's markers keep every one. */
  private final java.util.ArrayDeque<AuditEntry> audit = new java.util.ArrayDeque<>();
  private final java.util.ArrayDeque<Integer> auditSizes = new java.util.ArrayDeque<>();
  private long auditBytes;
  private long auditSeq;
  private int nextStepNumber = 1;
  private boolean finishRequested;
  private boolean completed;
  private String haltedBy;
  private Step active;
  private String lastSearchState;
  /** Commands are not allowed while the init constructor runs: its entries are marked by run(). */
  private boolean initializing = true;
  private final List<AuditEntry> unmarked = new ArrayList<>();
  private final ApprovalProof requesterProof;
  /** Who asked, as proven; null until the environment's worker verified it (nothing runs before). */
  private RequesterIdentity requesterIdentity;

  @WorkflowInit
  public AgentTaskImpl(TaskRequest request) {
    TaskRequests.check(request);
    TaskSnapshot resume = Workflow.getMemo(TaskSnapshot.MEMO, TaskSnapshot.class, TaskSnapshot.class);
    if (resume != null && Workflow.getInfo().getContinuedExecutionRunId().isEmpty()) {
      // Only this workflow's own continue-as-new may hand a run its state; a client never can.
      throw ApplicationFailure.newNonRetryableFailure(
          "refused: memo '" + TaskSnapshot.MEMO + "' carries task state, which only a continue-as-new of the task"
              + " itself may do; start the task without it", FailureType.INVALID_ARGS.type());
    }
    this.requesterProof = request.requesterProof();
    this.requester = request.requester();
    this.environment = request.environment();
    this.goal = request.goal() == null ? "" : request.goal();
    this.approvalTimeoutSeconds = positive(request.approvalTimeoutSeconds(), DEFAULT_APPROVAL_SECONDS);
    this.idleTimeoutSeconds = positive(request.idleTimeoutSeconds(), DEFAULT_IDLE_SECONDS);
    this.finishWhenDone = Boolean.TRUE.equals(request.finishWhenDone());
    this.historyLimit = request.historyLimit() == null ? HISTORY_LIMIT : Math.max(MIN_HISTORY_LIMIT, request.historyLimit());
    this.environmentQueue = AgentTask.environmentQueue(environment);
    this.taskId = Workflow.getInfo().getWorkflowId();
    this.taskRunId = Workflow.getInfo().getFirstExecutionRunId();
    this.tools = Workflow.newActivityStub(ToolActivities.class, observeOptions(environmentQueue));
    this.policy = Workflow.newActivityStub(PolicyActivities.class, observeOptions(environmentQueue));
    if (resume != null) {
      restore(resume);
    } else {
      record(null, "TASK_STARTED", requester, detail("taskId", taskId, "environment", environment, "goal", goal,
          "approvalTimeoutSeconds", approvalTimeoutSeconds, "initialSteps",
          request.steps() == null ? 0 : request.steps().size()));
      if (request.steps() != null) {
        for (ToolCall call : request.steps()) {
          Step s = newStep(call, null, requester);
          queue.add(s);
        }
      }
    }
    initializing = false;
  }

  private static ActivityOptions observeOptions(String queue) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(queue)
        .setStartToCloseTimeout(Duration.ofSeconds(60))
        // Without a worker for this environment the call fails instead of waiting forever.
        .setScheduleToCloseTimeout(Duration.ofMinutes(3))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
        .build();
  }

  @Override
  public TaskResult run(TaskRequest request) {
    markUnmarked();
    // One long-lived thread writes audit markers, so a signal handler never blocks on a side effect:
    // a burst of signals then costs one short-lived thread each, never thousands of waiting ones.
    Async.procedure(this::writeMarkers);
    upsertSearchAttributes(true);
    if (requesterIdentity == null) {
      identifyRequester();
    }
    while (true) {
      if (queue.isEmpty()) {
        if (finishRequested || finishWhenDone) {
          break;
        }
        boolean woke =
            Workflow.await(
                Duration.ofSeconds(idleTimeoutSeconds),
                () -> !queue.isEmpty() || finishRequested || continueAsNewDue());
        if (continueAsNewDue() && queue.isEmpty() && !finishRequested) {
          // A write proposal still resolving will enqueue and then wait for this loop: let it in
          // rather than wait for it (which it never could finish) before continuing as new.
          Workflow.await(() -> Workflow.isEveryHandlerFinished() || !queue.isEmpty());
          if (queue.isEmpty()) {
            continueAsNew(request);
          }
          continue;
        }
        if (!woke) {
          record(null, "IDLE_TIMEOUT", ENGINE, detail("idleTimeoutSeconds", idleTimeoutSeconds));
          break;
        }
        continue;
      }
      Step step = queue.get(0);
      active = step;
      process(step);
      if (!step.state.isFinal()) {
        // Only an approval wait hands back a live step: carry it across continue-as-new.
        continueAsNew(request);
      }
      queue.remove(step);
      active = null;
      keepBounded(false);
      if (step.state.halts()) {
        halt(step);
      }
      upsertSearchAttributes(false);
    }
    Workflow.await(Workflow::isEveryHandlerFinished);
    completed = true;
    record(null, "COMPLETED", ENGINE, detail("state", taskState(), "haltedBy", haltedBy));
    markUnmarked();
    upsertSearchAttributes(false);
    return new TaskResult(taskId, taskState(), haltedBy, views());
  }

  /** Nothing runs for a requester the environment requires proof of until the proof checks out. */
  private void identifyRequester() {
    RequesterIdentity identity;
    try {
      identity = policy.identify(new RequesterCheck(taskId, requester, environment, requesterProof));
    } catch (ActivityFailure f) {
      identity = new RequesterIdentity(ProofPolicy.REQUIRED,
          ProofVerdict.refused("none", null, "the requester could not be verified: " + describe(f)), "unknown");
    }
    record(null, "REQUESTER", requester, detail("mode", identity.mode(), "proof", identity.verdict(),
        "policyVersion", identity.policyVersion()));
    if (!identity.accepted()) {
      String why = "requester '" + requester + "' is not proven (" + identity.verdict().problem() + ") and environment "
          + environment + " requires requests.proof: " + identity.mode()
          + "; start the task with requesterProof (see `interlock sign --request`) or through the Interlock API";
      record(null, "REQUEST_REFUSED", ENGINE, detail("why", why));
      requesterIdentity = identity;
      markUnmarked(); // the refusal is in the history before the task fails
      throw ApplicationFailure.newNonRetryableFailure(why, "REQUESTER_UNPROVEN");
    }
    requesterIdentity = identity;
  }

  // ---- the step state machine ---------------------------------------------------------------

  private void process(Step s) {
    if (s.effect == null && s.state == StepState.PROPOSED) {
      resolve(s);
    }
    if (s.state.isFinal()) {
      return;
    }
    if (s.effect == Effect.READ) {
      runRead(s);
    } else {
      gate(s);
    }
  }

  /** The registry decides READ or WRITE; an unknown tool counts as WRITE and is refused. */
  private void resolve(Step s) {
    ResolvedCall resolved;
    try {
      resolved = tools.resolve(environment, s.call);
    } catch (ActivityFailure f) {
      s.effect = Effect.WRITE;
      fail(s, "could not resolve the tool: " + describe(f), "TOOL_REFUSED");
      return;
    }
    if (resolved.spec() == null) {
      s.effect = Effect.WRITE;
      fail(s, String.join("; ", resolved.problems()), "TOOL_REFUSED");
      return;
    }
    s.effect = resolved.spec().effect();
    s.idempotent = resolved.spec().idempotent();
    s.destructive = resolved.spec().destructive();
    record(s.stepId, "RESOLVED", ENGINE, detail("effect", s.effect, "idempotent", s.idempotent, "destructive", s.destructive));
    if (!resolved.problems().isEmpty()) {
      fail(s, "invalid arguments for " + s.call.tool() + ": " + String.join("; ", resolved.problems()), "TOOL_REFUSED");
    }
  }

  /** Reads need no approval, but obey the environment, its namespaces and its allowed tools. */
  private void runRead(Step s) {
    s.policy = checkPolicy(s, PolicyCheck.PROPOSE, null);
    if (!s.policy.allowed()) {
      block(s, s.policy);
      return;
    }
    s.state = StepState.RUNNING;
    try {
      s.result = tools.read(environment, s.call);
      s.state = StepState.SUCCEEDED;
      record(s.stepId, "READ", requester, detail("tool", s.call.tool()));
    } catch (ActivityFailure f) {
      fail(s, describe(f), "READ_FAILED");
    }
  }

  private void gate(Step s) {
    if (s.state == StepState.PROPOSED) {
      try {
        s.preview = StepBudget.bounded(tools.preview(environment, s.call));
      } catch (ActivityFailure f) {
        fail(s, "preview failed, nothing was changed: " + describe(f), "PREVIEW_FAILED");
        return;
      }
      s.state = StepState.PREVIEWED;
      record(s.stepId, "PREVIEWED", ENGINE, detail("summary", s.preview.summary(), "preview", s.preview));

      s.policy = checkPolicy(s, PolicyCheck.PROPOSE, null);
      record(s.stepId, "POLICY", ENGINE, policyDetail(s.policy));
      if (!s.policy.allowed() && s.policy.overridableBy().isEmpty()) {
        block(s, s.policy);
        return;
      }
      s.state = StepState.POLICY_CHECKED;
      long timeout = approvalTimeoutSeconds;
      if (s.policy.maxApprovalSeconds() > 0) {
        timeout = Math.min(timeout, s.policy.maxApprovalSeconds());
      }
      s.deadlineMillis = Workflow.currentTimeMillis() + timeout * 1000;
      s.deadline = Instant.ofEpochMilli(s.deadlineMillis).toString();
      s.callHash = CallHash.of(s, taskRunId, environment);
      s.state = StepState.AWAITING_APPROVAL;
      record(s.stepId, "AWAITING_APPROVAL", ENGINE, detail("callHash", s.callHash, "deadline", s.deadline,
          "requiredApprovals", s.policy.requiredApprovals(), "approvers", s.policy.approvers(),
          "breakGlassNeeded", ApprovalRules.needsBreakGlass(s),
          "canonicalCall", CallHash.canonicalJson(s, taskRunId, environment)));
      upsertSearchAttributes(false);
      notifyAwaiting(s);
    }
    if (s.state == StepState.AWAITING_APPROVAL) {
      if (s.policy.requiredApprovals() == 0 && !ApprovalRules.needsBreakGlass(s)) {
        record(s.stepId, "PRE_APPROVED", ENGINE, detail("ruleId", s.policy.ruleId(), "policyVersion", s.policy.policyVersion()));
      } else {
        long remaining = Math.max(0, s.deadlineMillis - Workflow.currentTimeMillis());
        boolean decided =
            Workflow.await(
                Duration.ofMillis(remaining),
                () -> s.rejected || ApprovalRules.satisfied(s)
                    || (continueAsNewDue() && Workflow.isEveryHandlerFinished()));
        if (!s.rejected && !ApprovalRules.satisfied(s)) {
          if (decided) {
            return; // continue-as-new carries the wait over
          }
          s.state = StepState.EXPIRED;
          s.error = "no sufficient approval before the deadline " + s.deadline + "; nothing was changed";
          record(s.stepId, "EXPIRED", ENGINE, detail("deadline", s.deadline, "approvals", s.approvals.size(),
              "requiredApprovals", s.policy.requiredApprovals()));
          settled(s);
          return;
        }
      }
      settled(s);
      if (s.rejected) {
        s.state = StepState.REJECTED;
        return;
      }
      s.state = StepState.APPROVED;
      record(s.stepId, "APPROVED", ENGINE, detail("approvers", s.approvals.stream().map(ApprovalRecord::approver).toList(),
          "callHash", s.callHash));
    }
    if (s.state == StepState.APPROVED) {
      s.recheck = checkPolicy(s, PolicyCheck.RECHECK, ApprovalRules.needsBreakGlass(s) ? ApprovalRules.breakGlassReason(s) : null);
      record(s.stepId, "POLICY_RECHECK", ENGINE, policyDetail(s.recheck));
      if (!s.recheck.allowed()) {
        block(s, s.recheck);
        return;
      }
      s.state = StepState.POLICY_RECHECKED;
      execute(s);
    }
  }

  private void execute(Step s) {
    s.state = StepState.EXECUTING;
    record(s.stepId, "EXECUTING", ENGINE, detail("callHash", s.callHash, "preconditions", s.preview.target()));
    ToolActivities writer = Workflow.newActivityStub(ToolActivities.class, executeOptions(s.idempotent));
    try {
      s.execution =
          writer.execute(new ExecuteRequest(taskId, s.stepId, environment, s.call, s.preview.target(), s.callHash));
    } catch (ActivityFailure f) {
      fail(s, executeFailure(f), "EXECUTION_FAILED");
      return;
    }
    record(s.stepId, "EXECUTED", ENGINE, detail("startedAt", s.execution.startedAt(), "finishedAt",
        s.execution.finishedAt(), "before", s.execution.before(), "after", s.execution.after()));
    s.result = s.execution.result();
    s.state = StepState.VERIFYING;
    long budget = s.recheck.verifyBudgetSeconds();
    ToolActivities verifier = Workflow.newActivityStub(ToolActivities.class, verifyOptions(budget));
    try {
      s.verification = verifier.verify(new VerifyRequest(environment, s.call, s.execution, budget));
    } catch (ActivityFailure f) {
      s.verification = new Verification(Verdict.VERIFICATION_FAILED, Confidence.LOW,
          List.of("could not observe the result (no data is never success): " + describe(f)));
    }
    if (s.verification.verdict() == Verdict.VERIFIED) {
      s.state = StepState.VERIFIED;
      record(s.stepId, "VERIFIED", ENGINE, detail("confidence", s.verification.confidence(), "evidence", s.verification.evidence()));
      return;
    }
    s.state = StepState.VERIFICATION_FAILED;
    s.error = "verification failed: " + String.join("; ", s.verification.evidence());
    record(s.stepId, "VERIFICATION_FAILED", ENGINE, detail("confidence", s.verification.confidence(),
        "evidence", s.verification.evidence()));
  }

  /** A write that cannot start promptly is not run later, after its re-check went stale. */
  private ActivityOptions executeOptions(boolean idempotent) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(environmentQueue)
        .setScheduleToStartTimeout(Duration.ofMinutes(1))
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        // Non-idempotent writes run at most once: a lost answer must not become a second mutation.
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(idempotent ? 3 : 1).build())
        .build();
  }

  private ActivityOptions verifyOptions(long budgetSeconds) {
    long budget = budgetSeconds > 0 ? budgetSeconds : 1800;
    return ActivityOptions.newBuilder()
        .setTaskQueue(environmentQueue)
        .setStartToCloseTimeout(Duration.ofSeconds(budget + 60))
        .setHeartbeatTimeout(Duration.ofSeconds(60))
        // Verification only observes; one more attempt covers a worker restart.
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(2).build())
        .build();
  }

  private PolicyDecision checkPolicy(Step s, String stage, String breakGlassReason) {
    try {
      ToolSpec spec = new ToolSpec(s.call.tool(), s.effect, s.idempotent, s.destructive, null, null, null);
      return StepBudget.bounded(policy.check(new PolicyCheck(stage, taskId, s.stepId, requester, environment, s.call,
          spec, s.preview, List.copyOf(s.approvals), breakGlassReason, taskRunId, s.callHash)));
    } catch (ActivityFailure f) {
      // Fail closed: no policy answer is a denial.
      return new PolicyDecision(false, "policy.unavailable", "policy could not be evaluated: " + describe(f)
          + "; the step is blocked (fail closed)", 0, List.of(), "unknown", stage, Map.of(), 0, 0, List.of());
    }
  }

  private void block(Step s, PolicyDecision d) {
    s.state = StepState.BLOCKED;
    s.error = "blocked by policy rule " + d.ruleId() + " (" + d.stage() + ", policy " + d.policyVersion() + "): " + d.reason();
    record(s.stepId, "BLOCKED", ENGINE, policyDetail(d));
    settled(s);
  }

  private void fail(Step s, String why, String kind) {
    s.state = StepState.FAILED;
    s.error = CallerText.bounded(why, StepBudget.ERROR_CHARS);
    record(s.stepId, kind, ENGINE, detail("tool", s.call.tool(), "error", s.error));
  }

  /** A halt stops everything queued behind it until an explicit new proposal. */
  private void halt(Step s) {
    haltedBy = s.stepId;
    for (Step q : new ArrayList<>(queue)) {
      q.state = StepState.SKIPPED;
      q.error = "not run: step " + s.stepId + " halted the task (" + s.state + "); propose it again to run it";
      record(q.stepId, "SKIPPED", ENGINE, detail("haltedBy", s.stepId));
    }
    queue.clear();
    record(s.stepId, "HALTED", ENGINE, detail("state", s.state, "error", s.error));
    if (s.state == StepState.VERIFICATION_FAILED) {
      proposeRollback(s);
    }
  }

  private void proposeRollback(Step s) {
    RollbackPlan plan;
    try {
      plan = tools.planRollback(new RollbackRequest(environment, s.call, s.execution));
    } catch (ActivityFailure f) {
      record(s.stepId, "NO_ROLLBACK", ENGINE, detail("why", describe(f)));
      return;
    }
    if (plan == null || plan.call() == null) {
      record(s.stepId, "NO_ROLLBACK", ENGINE, detail("why", plan == null ? "no plan" : plan.note()));
      return;
    }
    Step rollback = newStep(plan.call(), s.stepId, ENGINE);
    queue.add(0, rollback);
    record(rollback.stepId, "ROLLBACK_PROPOSED", ENGINE, detail("rollbackOf", s.stepId, "call", plan.call(), "note", plan.note()));
  }

  // ---- handlers -------------------------------------------------------------------------------

  @Override
  public void validatePropose(ToolCall call) {
    if (call == null) {
      throw new IllegalArgumentException("ToolCall required: the propose body is empty or null; send one call,"
          + " e.g. {\"tool\":\"k8s.get\",\"args\":{...}}");
    }
    if (blank(call.tool())) {
      throw new IllegalArgumentException("tool: required, e.g. {\"tool\":\"k8s.get\",\"args\":{...}}");
    }
    String big = TaskRequests.tooLarge(call);
    if (big != null) {
      throw new IllegalArgumentException(big);
    }
    // Refused here, a Secret value is never written to the history (a rejected update is not recorded).
    String secret = SecretLiterals.problem(call);
    if (secret != null) {
      throw new IllegalArgumentException(secret);
    }
    if (completed || finishRequested) {
      throw new IllegalArgumentException("task " + taskId + " is finishing; start a new task to propose more steps");
    }
    if (steps.size() >= MAX_STEPS) {
      throw new IllegalArgumentException("task " + taskId + " has " + MAX_STEPS + " steps, the limit; start a new task");
    }
    String open = StepBudget.openProblem(taskId, openBytes(), StepBudget.bytes(call));
    if (open != null) {
      throw new IllegalArgumentException(open);
    }
  }

  private int openBytes() {
    return steps.stream().filter(s -> !s.state.isFinal()).mapToInt(s -> StepBudget.bytes(s.view())).sum();
  }

  /**
   * Keeps finished steps bounded: the newest one stays whole (its caller reads it), then whole ones
   * while they fit {@link StepBudget#FINISHED_BYTES}; older ones are held compact.
   */
  private void keepBounded(boolean compactAll) {
    int held = 0;
    boolean newest = !compactAll;
    for (int i = steps.size() - 1; i >= 0; i--) {
      Step s = steps.get(i);
      if (!s.state.isFinal() || s.compacted) {
        continue;
      }
      if (s.finishedBytes == 0) {
        s.finishedBytes = StepBudget.bytes(s.view());
      }
      if (newest) {
        newest = false;
        continue;
      }
      held += s.finishedBytes;
      if (compactAll || held > StepBudget.FINISHED_BYTES) {
        s.compact();
      }
    }
  }

  @Override
  public StepView propose(ToolCall call) {
    Workflow.await(() -> requesterIdentity != null);
    if (!requesterIdentity.accepted()) {
      throw ApplicationFailure.newFailure("the requester of task " + taskId + " is not proven; nothing runs",
          "REQUESTER_UNPROVEN");
    }
    Step s = newStep(call, null, requester);
    if (haltedBy != null && active == null) {
      record(s.stepId, "RESUMED", requester, detail("haltedBy", haltedBy));
      haltedBy = null;
    }
    resolve(s);
    if (s.state.isFinal()) {
      StepView answer = s.view();
      keepBounded(false);
      return answer;
    }
    if (s.effect == Effect.READ) {
      // Reads never wait for approvals, only for a write that is executing right now.
      Workflow.await(() -> active == null || !mutating(active));
      runRead(s);
      StepView answer = s.view();
      keepBounded(false);
      return answer;
    }
    enqueueInOrder(s);
    Workflow.await(() -> s.state.isFinal() || s.state == StepState.AWAITING_APPROVAL
        || (s.state == StepState.PROPOSED && active != null && active != s && active.state == StepState.AWAITING_APPROVAL));
    return s.view();
  }

  @Override
  public void approve(Approval a) {
    if (a == null) {
      return;
    }
    acceptOrRefuse(a.stepId(), a.callHash(), a.approver(), a.comment(), a.breakGlass(), true, a.proof());
  }

  @Override
  public void reject(Rejection r) {
    if (r == null) {
      return;
    }
    acceptOrRefuse(r.stepId(), r.callHash(), r.approver(), r.reason(), null, false, r.proof());
  }

  @Override
  public void validateDecide(Decision d) {
    if (d == null || blank(d.stepId()) || blank(d.callHash()) || blank(d.approver())) {
      throw new IllegalArgumentException("decision needs stepId, callHash, approver and proof");
    }
    String tooLong = ApprovalRules.tooLong(d.stepId(), d.callHash(), d.approver(), d.comment(), d.breakGlass(), d.proof());
    if (tooLong != null) {
      throw new IllegalArgumentException(tooLong);
    }
    if (find(d.stepId()) == null) {
      throw new IllegalArgumentException("unknown step '" + ApprovalRules.shown(d.stepId()) + "' in task " + taskId
          + "; steps are " + steps.stream().map(x -> x.stepId).limit(20).toList());
    }
  }

  @Override
  public StepView decide(Decision d) {
    Step s = find(d.stepId());
    String refused =
        acceptOrRefuse(d.stepId(), d.callHash(), d.approver(), d.comment(), d.breakGlass(), d.approve(), d.proof());
    if (refused != null) {
      throw ApplicationFailure.newFailure(refused, "APPROVAL_REFUSED");
    }
    // Answer once the gate has reacted, so the caller sees APPROVED/REJECTED (or still waiting for more).
    Workflow.await(() -> s.state != StepState.AWAITING_APPROVAL || (!s.rejected && !ApprovalRules.satisfied(s)));
    if (d.approve() && s.rejected) {
      // A rejection that arrived with this approval won: say so, never answer an approval as if it stood.
      throw ApplicationFailure.newFailure("your approval was recorded, but the step was rejected before it could run ("
          + s.error + "); nothing ran", "APPROVAL_SUPERSEDED");
    }
    return s.view();
  }

  /** Records an accepted approval/rejection or a refusal; returns the refusal reason or null. */
  private String acceptOrRefuse(String stepId, String callHash, String approver, String text, String breakGlass,
      boolean approving, ApprovalProof proof) {
    long now = Workflow.currentTimeMillis();
    String at = Instant.ofEpochMilli(now).toString();
    String tooLong = ApprovalRules.tooLong(stepId, callHash, approver, text, breakGlass, proof);
    Step s = stepId != null && stepId.length() <= ApprovalRules.MAX_ID ? find(stepId) : null;
    if (s == null) {
      // Bounded: whatever the caller sent, the record of it stays small.
      String why = tooLong != null ? tooLong : "unknown step '" + ApprovalRules.shown(stepId) + "' in task " + taskId;
      record(null, "REFUSED", ApprovalRules.shown(approver), detail("why", why, "callHash", ApprovalRules.shown(callHash)));
      return why;
    }
    if (tooLong != null) {
      refuse(s, approver, at, tooLong, callHash, approving, null);
      return tooLong;
    }
    String why = approving
        ? ApprovalRules.refuseApproval(s, callHash, approver, breakGlass, requester, now)
        : ApprovalRules.refuseRejection(s, callHash, approver, text, requester, now);
    ProofVerdict verdict = null;
    if (why == null) {
      verdict = prove(s, callHash, approver, approving, text, breakGlass, proof, now);
      if (!verdict.verified() && !ProofVerdict.CLAIM.equals(verdict.kind())) {
        why = "proof refused for '" + approver + "': " + verdict.problem();
      }
    }
    if (why != null) {
      refuse(s, approver, at, why, callHash, approving, verdict);
      return why;
    }
    if (!approving) {
      s.rejected = true;
      s.error = "rejected by " + approver + " [" + verdict.label() + "]: " + text;
      record(s.stepId, "REJECTED", approver, detail("reason", text, "callHash", callHash, "proof", verdict));
      return null;
    }
    boolean repeat = s.approvals.stream().anyMatch(x -> x.approver().equals(approver));
    if (repeat) {
      record(s.stepId, "APPROVAL_REPEATED", approver, detail("callHash", callHash));
      return null;
    }
    s.approvals.add(new ApprovalRecord(approver, at, text, blank(breakGlass) ? null : breakGlass, verdict, proof));
    record(s.stepId, "APPROVAL", approver, detail("callHash", callHash, "comment", text, "breakGlass", breakGlass,
        "count", s.approvals.size(), "required", s.policy.requiredApprovals(), "proof", verdict));
    return null;
  }

  /**
   * Checks the proof against the keys the step's policy decision carried, at workflow time. With
   * no proof, only an environment whose policy says {@code approvals.proof: claimed} takes the
   * name, marked as an unverified claim.
   */
  private ProofVerdict prove(Step s, String callHash, String approver, boolean approving, String text,
      String breakGlass, ApprovalProof proof, long now) {
    String issuedAt = proof == null ? null : proof.issuedAt();
    String expiresAt = proof == null ? null : proof.expiresAt();
    Statement statement = Statement.decision(taskRunId, s.stepId, callHash, approver, approving, text,
        approving ? breakGlass : null, issuedAt, expiresAt);
    if (proof == null && s.policy.proofs().claimsAccepted()) {
      return ProofVerdict.claim(statement.digest());
    }
    return ProofVerifier.verify(proof, statement, s.policy.proofs(), now, s.deadlineMillis);
  }

  private void refuse(Step s, String approver, String at, String why, String callHash, boolean approving,
      ProofVerdict verdict) {
    String who = ApprovalRules.shown(approver);
    if (s.refusals.size() < MAX_REFUSALS) {
      s.refusals.add(new Refusal(who, at, why));
    } else {
      s.refusalsDropped++;
    }
    record(s.stepId, "REFUSED", who, detail("why", why, "callHash", ApprovalRules.shown(callHash),
        "approving", approving, "proof", verdict));
  }

  @Override
  public void finish() {
    if (!finishRequested) {
      finishRequested = true;
      record(null, "FINISH_REQUESTED", requester, Map.of());
    }
  }

  @Override
  public TaskView status() {
    return new TaskView(taskId, requester, environment, goal, taskState(), haltedBy, finishRequested, views(),
        taskRunId, requesterIdentity == null ? null : requesterIdentity.verdict());
  }

  @Override
  public List<AuditEntry> audit() {
    return List.copyOf(audit);
  }

  // ---- bookkeeping ----------------------------------------------------------------------------

  private Step newStep(ToolCall call, String rollbackOf, String actor) {
    Step s = new Step("s" + nextStepNumber++, call, rollbackOf, now());
    steps.add(s);
    record(s.stepId, "PROPOSED", actor, detail("tool", call.tool(), "args", call.args(), "rollbackOf", rollbackOf));
    return s;
  }

  private void enqueueInOrder(Step s) {
    int at = queue.size();
    int number = Integer.parseInt(s.stepId.substring(1));
    while (at > 0 && queue.get(at - 1) != active && Integer.parseInt(queue.get(at - 1).stepId.substring(1)) > number) {
      at--;
    }
    queue.add(at, s);
  }

  private static boolean mutating(Step s) {
    return s.state == StepState.APPROVED || s.state == StepState.POLICY_RECHECKED
        || s.state == StepState.EXECUTING || s.state == StepState.VERIFYING;
  }

  private Step find(String stepId) {
    for (Step s : steps) {
      if (s.stepId.equals(stepId)) {
        return s;
      }
    }
    return null;
  }

  private TaskState taskState() {
    if (completed) {
      return haltedBy != null ? TaskState.HALTED : TaskState.COMPLETED;
    }
    if (steps.stream().anyMatch(s -> s.state == StepState.AWAITING_APPROVAL)) {
      return TaskState.AWAITING_APPROVAL;
    }
    return haltedBy != null && queue.isEmpty() ? TaskState.HALTED : TaskState.RUNNING;
  }

  private List<StepView> views() {
    return steps.stream().map(Step::view).toList();
  }

  private void notifyAwaiting(Step s) {
    PendingApproval pending = new PendingApproval(taskId, s.stepId, environment, requester, goal, s.call.tool(),
        s.preview.target(), s.preview.summary(), s.preview.diff(), s.callHash, s.policy, now(), s.deadline);
    // Fire and forget: the inbox is bookkeeping and must never hold up the gate.
    Async.procedure(inbox::awaitingApproval, pending);
  }

  private void settled(Step s) {
    Async.procedure(inbox::settled, taskId, s.stepId, String.valueOf(s.state == StepState.AWAITING_APPROVAL
        ? (s.rejected ? StepState.REJECTED : StepState.APPROVED) : s.state));
    upsertSearchAttributes(false);
  }

  private void upsertSearchAttributes(boolean first) {
    String state = taskState().name();
    List<String> pending = steps.stream().filter(s -> s.state == StepState.AWAITING_APPROVAL).map(s -> s.stepId).toList();
    String key = state + pending;
    if (key.equals(lastSearchState)) {
      return;
    }
    lastSearchState = key;
    if (first) {
      Workflow.upsertTypedSearchAttributes(
          TaskSearchAttributes.TASK_STATE.valueSet(state),
          TaskSearchAttributes.PENDING_STEPS.valueSet(pending),
          TaskSearchAttributes.ENVIRONMENT.valueSet(environment),
          TaskSearchAttributes.REQUESTER.valueSet(requester));
    } else {
      Workflow.upsertTypedSearchAttributes(
          TaskSearchAttributes.TASK_STATE.valueSet(state), TaskSearchAttributes.PENDING_STEPS.valueSet(pending));
    }
  }

  private void record(String stepId, String kind, String actor, Map<String, Object> detail) {
    Map<String, Object> d = detail;
    if (!initializing) {
      // Entries caused by an update name it, so the audit pairs them with the exact update event.
      var update = Workflow.getCurrentUpdateInfo();
      if (update.isPresent()) {
        d = new LinkedHashMap<>(detail);
        d.put("updateId", update.get().getUpdateId());
      }
    }
    AuditEntry entry = new AuditEntry(++auditSeq, now(), stepId, kind, actor, d);
    int size = StepBudget.bytes(entry);
    audit.addLast(entry);
    auditSizes.addLast(size);
    auditBytes += size;
    while (audit.size() > 1 && (audit.size() > AUDIT_KEPT || auditBytes > StepBudget.AUDIT_BYTES)) {
      audit.removeFirst();
      auditBytes -= auditSizes.removeFirst();
    }
    unmarked.add(entry);
    log.info("task={} step={} {} by {}", taskId, stepId, kind, actor);
  }

  private void writeMarkers() {
    while (true) {
      Workflow.await(() -> !unmarked.isEmpty());
      markUnmarked();
    }
  }

  /** Writes audit entries into the history as markers: the history alone carries the whole trail. */
  private void markUnmarked() {
    List<AuditEntry> batch = List.copyOf(unmarked);
    unmarked.clear();
    for (AuditEntry entry : batch) {
      Workflow.sideEffect(AuditEntry.class, () -> entry);
    }
  }

  private boolean continueAsNewDue() {
    return Workflow.getInfo().isContinueAsNewSuggested() || Workflow.getInfo().getHistoryLength() > historyLimit;
  }

  private void continueAsNew(TaskRequest request) {
    Workflow.await(Workflow::isEveryHandlerFinished);
    record(null, "CONTINUED_AS_NEW", ENGINE, detail("historyLength", Workflow.getInfo().getHistoryLength()));
    markUnmarked();
    keepBounded(true); // the next run carries open steps whole and finished ones compact
    TaskSnapshot snapshot = new TaskSnapshot(views(), auditSeq, nextStepNumber, finishRequested, haltedBy,
        taskId, requesterIdentity);
    // The carried state rides in the memo; the new run accepts it only as a genuine continuation.
    ContinueAsNewOptions options = ContinueAsNewOptions.newBuilder().setMemo(Map.of(TaskSnapshot.MEMO, snapshot)).build();
    Workflow.continueAsNew(options, new TaskRequest(requester, environment, goal, null, approvalTimeoutSeconds,
        finishWhenDone, idleTimeoutSeconds, historyLimit, null));
  }

  private void restore(TaskSnapshot snap) {
    this.taskId = snap.taskId();
    this.nextStepNumber = snap.nextStepNumber();
    this.finishRequested = snap.finishRequested();
    this.haltedBy = snap.haltedBy();
    this.requesterIdentity = snap.requester();
    this.auditSeq = snap.auditSeq();
    for (StepView v : snap.steps()) {
      Step s = Step.from(v);
      steps.add(s);
      if (!s.state.isFinal()) {
        queue.add(s);
      }
    }
  }

  private String describe(ActivityFailure f) {
    return CallerText.bounded(cause(f), StepBudget.ERROR_CHARS);
  }

  /**
   * A write whose worker took it and went silent (crashed, or lost the answer on every attempt) may
   * have reached the cluster: the step says the outcome is unknown, never "failed" or "done".
   */
  private String executeFailure(ActivityFailure f) {
    if (f.getCause() instanceof TimeoutFailure tf && tf.getTimeoutType() != TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
      return CallerText.bounded("outcome unknown: a worker serving '" + environment + "' took the approved write and gave no"
          + " answer (" + tf.getTimeoutType() + "); it may or may not have reached the cluster and is not sent again"
          + " (a repeat could apply it twice); inspect the target before proposing it again", StepBudget.ERROR_CHARS);
    }
    return describe(f);
  }

  private String cause(ActivityFailure f) {
    Throwable c = f.getCause();
    if (c instanceof ApplicationFailure af) {
      return af.getOriginalMessage() + " [" + af.getType() + "]";
    }
    if (c instanceof TimeoutFailure tf) {
      return "timed out (" + tf.getTimeoutType() + ") waiting on queue " + environmentQueue
          + ": is a worker serving environment '" + environment + "' running?";
    }
    return c == null ? f.getMessage() : c.getMessage();
  }

  private static Map<String, Object> policyDetail(PolicyDecision d) {
    return detail("stage", d.stage(), "allowed", d.allowed(), "ruleId", d.ruleId(), "reason", d.reason(),
        "policyVersion", d.policyVersion(), "requiredApprovals", d.requiredApprovals(), "observed", d.observed(),
        "overridableBy", d.overridableBy());
  }

  /** An ordered detail map that drops null values (Map.of refuses them). */
  private static Map<String, Object> detail(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        m.put((String) kv[i], kv[i + 1]);
      }
    }
    return m;
  }

  private static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static long positive(Long v, long fallback) {
    return v == null || v <= 0 ? fallback : v;
  }
}
