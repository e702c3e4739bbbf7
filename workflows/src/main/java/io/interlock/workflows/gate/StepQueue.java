package io.interlock.workflows.gate;

import static io.interlock.workflows.gate.AuditTrail.detail;

import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.AuditKind;
import io.interlock.contract.values.StepState;
import io.interlock.contract.values.TaskState;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.SecretLiterals;
import io.interlock.workflows.StepBudget;
import io.interlock.workflows.TaskRequests;
import java.util.ArrayList;
import java.util.List;

/**
 * The task's steps and the order writes run in: one at a time, a halt skipping what waits behind
 * it.
 */
final class StepQueue {
  private static final String ENGINE = "engine";

  private final AuditTrail audit;
  private final List<Step> steps = new ArrayList<>();
  private final List<Step> queue = new ArrayList<>();
  private int nextNumber;

  /** The step the run loop is driving, null between steps. */
  Step active;

  /** The step that halted the task, until a new proposal resumes it. */
  String haltedBy;

  /** The run loop ended: the task's state is final. */
  boolean completed;

  StepQueue(AuditTrail audit, int nextNumber, String haltedBy) {
    this.audit = audit;
    this.nextNumber = nextNumber;
    this.haltedBy = haltedBy;
  }

  /**
   * Why a proposal cannot be taken, thrown before it reaches the history (a refused update is not
   * recorded).
   */
  void checkProposal(ToolCall call, String taskId, boolean finishing) {
    if (call == null) {
      throw new IllegalArgumentException(
          "ToolCall required: the propose body is empty or null; send one call,"
              + " e.g. {\"tool\":\"k8s.get\",\"args\":{...}}");
    }
    if (call.tool() == null || call.tool().isBlank()) {
      throw new IllegalArgumentException(
          "tool: required, e.g. {\"tool\":\"k8s.get\",\"args\":{...}}");
    }
    String big = TaskRequests.tooLarge(call);
    if (big != null) {
      throw new IllegalArgumentException(big);
    }
    // Refused here, a Secret value is never written to the history.
    String secret = SecretLiterals.problem(call);
    if (secret != null) {
      throw new IllegalArgumentException(secret);
    }
    if (finishing) {
      throw new IllegalArgumentException(
          "task " + taskId + " is finishing; start a new task to propose more steps");
    }
    if (steps.size() >= AgentTaskImpl.MAX_STEPS) {
      throw new IllegalArgumentException(
          "task "
              + taskId
              + " has "
              + AgentTaskImpl.MAX_STEPS
              + " steps, the limit; start a new task");
    }
    String open = StepBudget.openProblem(taskId, openBytes(), StepBudget.bytes(call));
    if (open != null) {
      throw new IllegalArgumentException(open);
    }
  }

  /** A new step, recorded as PROPOSED; it runs once it is enqueued. */
  Step propose(ToolCall call, String rollbackOf, String actor) {
    Step s = new Step(nextNumber++, call, rollbackOf, AuditTrail.now());
    steps.add(s);
    audit.record(
        s.stepId,
        AuditKind.PROPOSED,
        actor,
        detail("tool", call.tool(), "args", call.args(), "rollbackOf", rollbackOf));
    return s;
  }

  /** A step carried over by continue-as-new: an open one is queued again where it was. */
  void restore(StepView v) {
    Step s = Step.from(v);
    steps.add(s);
    if (!s.state().isFinal()) {
      queue.add(s);
    }
  }

  void enqueueLast(Step s) {
    queue.add(s);
  }

  /**
   * In proposal order behind the active step: a late update never overtakes an earlier proposal.
   */
  void enqueueInOrder(Step s) {
    int at = queue.size();
    while (at > 0 && queue.get(at - 1) != active && queue.get(at - 1).number > s.number) {
      at--;
    }
    queue.add(at, s);
  }

  /** A rollback runs before anything else. */
  void enqueueFirst(Step s) {
    queue.add(0, s);
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** The next step to drive, now active. */
  Step next() {
    active = queue.get(0);
    return active;
  }

  /** The active step is done with: off the queue, and finished steps kept within budget. */
  void done(Step s) {
    queue.remove(s);
    active = null;
    keepBounded(false);
  }

  /** A halt stops everything queued behind it until an explicit new proposal. */
  void halt(Step s) {
    haltedBy = s.stepId;
    for (Step q : queue) {
      q.error =
          "not run: step "
              + s.stepId
              + " halted the task ("
              + s.state()
              + "); propose it again to run it";
      q.moveTo(StepState.SKIPPED);
      audit.record(q.stepId, AuditKind.SKIPPED, ENGINE, detail("haltedBy", s.stepId));
    }
    queue.clear();
    audit.record(s.stepId, AuditKind.HALTED, ENGINE, detail("state", s.state(), "error", s.error));
  }

  /** A write between approval and verification: reads wait for it to finish. */
  boolean mutating() {
    if (active == null) {
      return false;
    }
    StepState s = active.state();
    return s == StepState.APPROVED
        || s == StepState.POLICY_RECHECKED
        || s == StepState.EXECUTING
        || s == StepState.VERIFYING;
  }

  Step find(String stepId) {
    for (Step s : steps) {
      if (s.stepId.equals(stepId)) {
        return s;
      }
    }
    return null;
  }

  List<String> ids(int limit) {
    return steps.stream().map(s -> s.stepId).limit(limit).toList();
  }

  int nextNumber() {
    return nextNumber;
  }

  TaskState taskState() {
    if (completed) {
      return haltedBy != null ? TaskState.HALTED : TaskState.COMPLETED;
    }
    if (steps.stream().anyMatch(s -> s.state() == StepState.AWAITING_APPROVAL)) {
      return TaskState.AWAITING_APPROVAL;
    }
    return haltedBy != null && queue.isEmpty() ? TaskState.HALTED : TaskState.RUNNING;
  }

  List<String> pending() {
    return steps.stream()
        .filter(s -> s.state() == StepState.AWAITING_APPROVAL)
        .map(s -> s.stepId)
        .toList();
  }

  List<StepView> views() {
    return steps.stream().map(Step::view).toList();
  }

  /** Every step whole, as continue-as-new carries them. */
  List<StepView> carried() {
    return steps.stream().map(Step::carried).toList();
  }

  int openBytes() {
    return steps.stream()
        .filter(s -> !s.state().isFinal())
        .mapToInt(s -> StepBudget.bytes(s.carried()))
        .sum();
  }

  /**
   * Keeps finished steps bounded: the newest one stays whole (its caller reads it), then whole ones
   * while they fit {@link StepBudget#FINISHED_BYTES}; older ones are held compact.
   */
  void keepBounded(boolean compactAll) {
    int held = 0;
    boolean newest = !compactAll;
    for (int i = steps.size() - 1; i >= 0; i--) {
      Step s = steps.get(i);
      if (!s.state().isFinal() || s.compacted) {
        continue;
      }
      if (s.finishedBytes == 0) {
        s.finishedBytes = StepBudget.bytes(s.carried());
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
}
