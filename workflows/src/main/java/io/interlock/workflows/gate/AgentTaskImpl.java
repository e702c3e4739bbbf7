package io.interlock.workflows.gate;

import static io.interlock.workflows.gate.AuditTrail.detail;

import io.interlock.contract.activities.RequesterIdentity;
import io.interlock.contract.commands.Approval;
import io.interlock.contract.commands.BatchDecision;
import io.interlock.contract.commands.Decision;
import io.interlock.contract.commands.Rejection;
import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.AuditKind;
import io.interlock.contract.values.Effect;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.StepState;
import io.interlock.contract.values.TaskSnapshot;
import io.interlock.contract.views.AuditEntry;
import io.interlock.contract.views.BatchAnswer;
import io.interlock.contract.views.StepView;
import io.interlock.contract.views.TaskResult;
import io.interlock.contract.views.TaskView;
import io.interlock.workflows.AgentTask;
import io.interlock.workflows.TaskRequests;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.ContinueAsNewOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One agent task: init, the run loop that hands each queued step to the {@link Gate}, the handlers
 * (which delegate to the {@link StepQueue} and the {@link ApprovalDesk}), and continue-as-new.
 * Deterministic: no I/O, clocks or randomness outside the Workflow API.
 */
public class AgentTaskImpl implements AgentTask {
  /** Bound on steps per task so a runaway agent cannot grow one history without limit. */
  public static final int MAX_STEPS = 500;

  private static final String ENGINE = "engine";

  private final TaskContext task;
  private final ApprovalProof requesterProof;
  private final GateActivities act;
  private final AuditTrail audit;
  private final StepQueue steps;
  private final ApprovalDesk desk;
  private final SearchIndex index;
  private final Gate gate;
  private boolean finishRequested;

  /**
   * Who asked, as proven; null until the environment's worker verified it (nothing runs before).
   */
  private RequesterIdentity requesterIdentity;

  @WorkflowInit
  public AgentTaskImpl(TaskRequest request) {
    TaskRequests.check(request);
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
    this.task = TaskContext.of(request, resume);
    this.requesterProof = request.requesterProof();
    this.act = new GateActivities(task.environment());
    this.audit = new AuditTrail(task.taskId(), resume == null ? 0 : resume.auditSeq());
    this.steps =
        new StepQueue(
            audit,
            resume == null ? 1 : resume.nextStepNumber(),
            resume == null ? null : resume.haltedBy());
    this.desk = new ApprovalDesk(task, steps, audit);
    this.index = new SearchIndex(task, steps);
    this.gate = new Gate(task, act, audit, steps, desk, index);
    if (resume != null) {
      this.finishRequested = resume.finishRequested();
      this.requesterIdentity = resume.requester();
      resume.steps().forEach(steps::restore);
    } else {
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
    audit.initialized();
  }

  @Override
  public TaskResult run(TaskRequest request) {
    audit.flush();
    audit.startWriter();
    index.upsert(true);
    if (requesterIdentity == null) {
      // Nothing runs for a requester the environment requires proof of until the proof checks out.
      requesterIdentity = RequesterProof.identify(task, requesterProof, act, audit);
      RequesterProof.requireAccepted(task, requesterIdentity, audit);
    }
    while (true) {
      if (steps.isEmpty()) {
        if (finishRequested || task.finishWhenDone()) {
          break;
        }
        boolean woke =
            Workflow.await(
                Duration.ofSeconds(task.idleTimeoutSeconds()),
                () -> !steps.isEmpty() || finishRequested || gate.continueAsNewDue());
        if (gate.continueAsNewDue() && steps.isEmpty() && !finishRequested) {
          // A write proposal still resolving will enqueue and then wait for this loop: let it in
          // rather than wait for it (which it never could finish) before continuing as new.
          Workflow.await(() -> Workflow.isEveryHandlerFinished() || !steps.isEmpty());
          if (steps.isEmpty()) {
            continueAsNew();
          }
          continue;
        }
        if (!woke) {
          audit.record(
              null,
              AuditKind.IDLE_TIMEOUT,
              ENGINE,
              detail("idleTimeoutSeconds", task.idleTimeoutSeconds()));
          break;
        }
        continue;
      }
      Step step = steps.next();
      if (step.effect == null) {
        gate.resolve(step); // a planned step is resolved when its turn comes
      }
      gate.drive(step);
      if (!step.state().isFinal()) {
        // Only an approval wait hands back a live step: carry it across continue-as-new.
        continueAsNew();
      }
      steps.done(step);
      if (step.state().halts()) {
        gate.halt(step);
      }
      index.upsert(false);
    }
    Workflow.await(Workflow::isEveryHandlerFinished);
    steps.completed = true;
    audit.record(
        null,
        AuditKind.COMPLETED,
        ENGINE,
        detail("state", steps.taskState(), "haltedBy", steps.haltedBy));
    audit.flush();
    index.upsert(false);
    return new TaskResult(task.taskId(), steps.taskState(), steps.haltedBy, steps.views());
  }

  @Override
  public void validatePropose(ToolCall call) {
    steps.checkProposal(call, task.taskId(), steps.completed || finishRequested);
  }

  @Override
  public StepView propose(ToolCall call) {
    Workflow.await(() -> requesterIdentity != null);
    if (!requesterIdentity.accepted()) {
      throw ApplicationFailure.newFailure(
          "the requester of task " + task.taskId() + " is not proven; nothing runs",
          "REQUESTER_UNPROVEN");
    }
    Step s = steps.propose(call, null, task.requester());
    if (steps.haltedBy != null && steps.active == null) {
      audit.record(
          s.stepId, AuditKind.RESUMED, task.requester(), detail("haltedBy", steps.haltedBy));
      steps.haltedBy = null;
    }
    gate.resolve(s);
    if (!s.state().isFinal() && s.effect == Effect.READ) {
      // Reads never wait for approvals, only for a write that is executing right now.
      Workflow.await(() -> !steps.mutating());
      gate.drive(s);
    }
    if (s.state().isFinal()) {
      StepView answer = s.view();
      steps.keepBounded(false);
      return answer;
    }
    steps.enqueueInOrder(s);
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

  @Override
  public void approve(Approval a) {
    if (a != null) {
      desk.acceptOrRefuse(
          a.stepId(), a.callHash(), a.approver(), a.comment(), a.breakGlass(), true, a.proof());
    }
  }

  @Override
  public void reject(Rejection r) {
    if (r != null) {
      desk.acceptOrRefuse(
          r.stepId(), r.callHash(), r.approver(), r.reason(), null, false, r.proof());
    }
  }

  @Override
  public void validateDecide(Decision d) {
    desk.checkDecision(d);
  }

  @Override
  public StepView decide(Decision d) {
    Step s = steps.find(d.stepId());
    String refused =
        desk.acceptOrRefuse(
            d.stepId(),
            d.callHash(),
            d.approver(),
            d.comment(),
            d.breakGlass(),
            d.approve(),
            d.proof());
    if (refused != null) {
      throw ApplicationFailure.newFailure(refused, "APPROVAL_REFUSED");
    }
    // Answer once the gate has reacted, so the caller sees APPROVED/REJECTED (or still waiting for
    // more).
    Workflow.await(() -> s.state() != StepState.AWAITING_APPROVAL || !ApprovalDesk.decided(s));
    if (d.approve() && s.rejected) {
      // A rejection that arrived with this approval won: say so, never answer an approval as if it
      // stood.
      throw ApplicationFailure.newFailure(
          "your approval was recorded, but the step was rejected before it could run ("
              + s.error
              + "); nothing ran",
          "APPROVAL_SUPERSEDED");
    }
    return s.view();
  }

  @Override
  public void batch(BatchDecision d) {
    desk.batches().apply(d);
  }

  @Override
  public void validateDecideBatch(BatchDecision d) {
    desk.batches().check(d);
  }

  @Override
  public BatchAnswer decideBatch(BatchDecision d) {
    return desk.batches().decide(d);
  }

  @Override
  public void finish() {
    if (!finishRequested) {
      finishRequested = true;
      audit.record(null, AuditKind.FINISH_REQUESTED, task.requester(), Map.of());
    }
  }

  @Override
  public TaskView status() {
    return new TaskView(
        task.taskId(),
        task.requester(),
        task.environment(),
        task.goal(),
        steps.taskState(),
        steps.haltedBy,
        finishRequested,
        steps.views(),
        task.taskRunId(),
        requesterIdentity == null ? null : requesterIdentity.verdict());
  }

  @Override
  public List<AuditEntry> audit() {
    return audit.entries();
  }

  private void continueAsNew() {
    Workflow.await(Workflow::isEveryHandlerFinished);
    audit.record(
        null,
        AuditKind.CONTINUED_AS_NEW,
        ENGINE,
        detail("historyLength", Workflow.getInfo().getHistoryLength()));
    audit.flush();
    steps.keepBounded(true); // the next run carries open steps whole and finished ones compact
    TaskSnapshot snapshot =
        new TaskSnapshot(
            steps.views(),
            audit.seq(),
            steps.nextNumber(),
            finishRequested,
            steps.haltedBy,
            task.taskId(),
            requesterIdentity);
    // The carried state rides in the memo; the new run accepts it only as a genuine continuation.
    ContinueAsNewOptions options =
        ContinueAsNewOptions.newBuilder().setMemo(Map.of(TaskSnapshot.MEMO, snapshot)).build();
    Workflow.continueAsNew(options, task.continued());
  }
}
