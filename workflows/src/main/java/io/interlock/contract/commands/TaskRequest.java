package io.interlock.contract.commands;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.interlock.contract.values.ApprovalProof;
import java.util.List;

/**
 * Start argument of the {@code AgentTask} workflow. State carried across continue-as-new is not
 * part of it: no client can hand a task a step that is already approved.
 *
 * @param requester who asks (for example {@code agent:incident-bot}); never allowed to approve
 * @param environment policy environment; its activities run on {@code interlock-env-<environment>}
 * @param goal free text shown to approvers
 * @param steps optional initial plan, run in order (at most 500)
 * @param approvalTimeoutSeconds optional; default 3600, capped by policy
 * @param finishWhenDone optional; true ends the task once the initial plan has run
 * @param idleTimeoutSeconds optional; default 86400: a task with nothing pending completes after it
 * @param historyLimit optional; default 8000 (min 100): history events after which the task
 *     continues as new, carrying its open steps and pending approvals
 * @param requesterProof optional proof that {@code requester} asked for this task (statement {@code
 *     decision: request} bound to the workflow id); required where policy says {@code
 *     requests.proof: required}; without it the requester is an unverified claim
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
    Integer historyLimit,
    ApprovalProof requesterProof) {

  public TaskRequest(String requester, String environment, String goal, List<ToolCall> steps) {
    this(requester, environment, goal, steps, null, null, null, null, null);
  }

  public TaskRequest withRequesterProof(ApprovalProof proof) {
    return new TaskRequest(
        requester,
        environment,
        goal,
        steps,
        approvalTimeoutSeconds,
        finishWhenDone,
        idleTimeoutSeconds,
        historyLimit,
        proof);
  }
}
