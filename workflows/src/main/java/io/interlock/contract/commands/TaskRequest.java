package io.interlock.contract.commands;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.interlock.contract.values.TaskSnapshot;
import java.util.List;

/**
 * Start argument of the {@code AgentTask} workflow.
 *
 * @param requester who asks (for example {@code agent:incident-bot}); never allowed to approve
 * @param environment policy environment; its activities run on {@code interlock-env-<environment>}
 * @param goal free text shown to approvers
 * @param steps optional initial plan, run in order
 * @param approvalTimeoutSeconds optional; default 3600, capped by policy
 * @param finishWhenDone optional; true ends the task once the initial plan has run
 * @param idleTimeoutSeconds optional; default 86400: a task with nothing pending completes after it
 * @param resume internal: state carried across continue-as-new; callers leave it out
 * @param historyLimit optional; default 8000 (min 100): history events after which the task
 *     continues as new, carrying its steps and pending approvals
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskRequest(
    String requester,
    String environment,
    String goal,
    List<ToolCall> steps,
    Long approvalTimeoutSeconds,
    Boolean finishWhenDone,
    Long idleTimeoutSeconds,
    TaskSnapshot resume,
    Integer historyLimit) {

  public TaskRequest(String requester, String environment, String goal, List<ToolCall> steps) {
    this(requester, environment, goal, steps, null, null, null, null, null);
  }
}
