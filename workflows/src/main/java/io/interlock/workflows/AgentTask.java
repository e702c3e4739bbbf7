package io.interlock.workflows;

import io.interlock.contract.commands.Approval;
import io.interlock.contract.commands.BatchDecision;
import io.interlock.contract.commands.Decision;
import io.interlock.contract.commands.Rejection;
import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.views.AuditEntry;
import io.interlock.contract.views.BatchAnswer;
import io.interlock.contract.views.StepView;
import io.interlock.contract.views.TaskHeader;
import io.interlock.contract.views.TaskResult;
import io.interlock.contract.views.TaskView;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * One agent task. The model proposes; only this workflow executes. Names are the public contract
 * (CONTRACT.md): any Temporal client can drive a task by these names with plain JSON.
 */
@WorkflowInterface
public interface AgentTask {
  String TYPE = "AgentTask";
  String TASK_QUEUE = "interlock-tasks";

  static String environmentQueue(String environment) {
    return "interlock-env-" + environment;
  }

  @WorkflowMethod(name = TYPE)
  TaskResult run(TaskRequest request);

  /**
   * The start's answer, sent with the start (update-with-start): the task's status once the
   * environment's worker has identified the requester. Refused once the requester is known or the
   * task was opened, so it adds to a history only at its start, in bounded size.
   */
  @UpdateMethod(name = "open")
  TaskView open();

  @UpdateValidatorMethod(updateName = "open")
  void validateOpen();

  /** Add a step. A READ returns after it ran; a WRITE returns once it awaits approval or halted. */
  @UpdateMethod(name = "propose")
  StepView propose(ToolCall call);

  @UpdateValidatorMethod(updateName = "propose")
  void validatePropose(ToolCall call);

  @SignalMethod(name = "approve")
  void approve(Approval approval);

  @SignalMethod(name = "reject")
  void reject(Rejection rejection);

  /** Approve or reject with an immediate answer; refusals are recorded and returned as errors. */
  @UpdateMethod(name = "decide")
  StepView decide(Decision decision);

  @UpdateValidatorMethod(updateName = "decide")
  void validateDecide(Decision decision);

  /**
   * One batch statement and its one proof (the same payload to every task it lists): this task
   * decides only its own entries, each on its own; every outcome is recorded.
   */
  @SignalMethod(name = "batch")
  void batch(BatchDecision decision);

  /** The same with an immediate answer: the outcome of each of this task's entries. */
  @UpdateMethod(name = "decideBatch")
  BatchAnswer decideBatch(BatchDecision decision);

  @UpdateValidatorMethod(updateName = "decideBatch")
  void validateDecideBatch(BatchDecision decision);

  /** The agent is done proposing; the task completes once nothing is pending. */
  @SignalMethod(name = "finish")
  void finish();

  @QueryMethod(name = "status")
  TaskView status();

  @QueryMethod(name = "audit")
  List<AuditEntry> audit();

  /** Who the task belongs to, in constant size (the status grows with every step). */
  @QueryMethod(name = "header")
  TaskHeader header();
}
