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
import io.interlock.contract.values.StepState;
import io.interlock.contract.values.TaskSnapshot;
import io.interlock.contract.views.AuditEntry;
import io.interlock.contract.views.BatchAnswer;
import io.interlock.contract.views.StepView;
import io.interlock.contract.views.TaskHeader;
import io.interlock.contract.views.TaskResult;
import io.interlock.contract.views.TaskView;
import io.interlock.workflows.AgentTask;
import io.interlock.workflows.TaskRequests;
import io.temporal.failure.ApplicationFailure;
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
  private final Proposals proposals;
  private boolean finishRequested;

  /** An {@code open} update was accepted: the start has had its answer. */
  private boolean opened;

  /**
   * Who asked, as proven; null until the environment's worker verified it (nothing runs before).
   */
  private RequesterIdentity requesterIdentity;

  @WorkflowInit
  public AgentTaskImpl(TaskRequest request) {
    TaskRequests.check(request);
    TaskSnapshot resume = TaskRuns.carried();
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
    this.proposals = new Proposals(task, audit, steps, gate);
    if (resume != null) {
      this.finishRequested = resume.finishRequested();
      this.requesterIdentity = resume.requester();
      resume.steps().forEach(steps::restore);
    } else {
      TaskRuns.start(task, audit, steps, request);
    }
    audit.initialized();
  }

  @Override
  public TaskResult run(TaskRequest request) {
    RunVersion version = RunVersion.decide();
    act.decideLocalCalls(version);
    audit.markInBatches(version.auditInBatches());
    if (!version.auditInBatches()) {
      audit.flush(); // older runs marked the init constructor's entries here, one by one
    }
    audit.startWriter(act::localWork);
    index.upsertFirst(version.indexFromStart());
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
          Workflow.await(() -> gate.quiet() || !steps.isEmpty());
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
        gate.resolve(step, true, true); // a planned step is resolved when its turn comes
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
      index.upsert();
    }
    Workflow.await(gate::quiet);
    steps.completed = true;
    audit.record(
        null,
        AuditKind.COMPLETED,
        ENGINE,
        detail("state", steps.taskState(), "haltedBy", steps.haltedBy));
    audit.flush();
    index.upsert();
    return new TaskResult(task.taskId(), steps.taskState(), steps.haltedBy, steps.views());
  }

  @Override
  public void validateOpen() {
    if (requesterIdentity != null || opened) {
      throw new IllegalStateException(
          "open answers a task's start only: task "
              + task.taskId()
              + " was opened or its requester identified already; query status instead");
    }
  }

  @Override
  public TaskView open() {
    opened = true;
    Workflow.await(() -> requesterIdentity != null);
    requireRequesterAccepted();
    return status();
  }

  @Override
  public void validatePropose(ToolCall call) {
    steps.checkProposal(call, task.taskId(), steps.completed || finishRequested);
  }

  @Override
  public StepView propose(ToolCall call) {
    Workflow.await(() -> requesterIdentity != null);
    requireRequesterAccepted();
    return proposals.propose(call);
  }

  private void requireRequesterAccepted() {
    if (!requesterIdentity.accepted()) {
      throw ApplicationFailure.newFailure(
          "the requester of task " + task.taskId() + " is not proven; nothing runs",
          "REQUESTER_UNPROVEN");
    }
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
  public TaskHeader header() {
    return new TaskHeader(task.taskId(), task.requester(), task.environment(), task.taskRunId());
  }

  @Override
  public List<AuditEntry> audit() {
    return audit.entries();
  }

  private void continueAsNew() {
    TaskRuns.continueAsNew(task, audit, steps, finishRequested, requesterIdentity);
  }
}
