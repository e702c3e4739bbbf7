package io.interlock.worker.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.PendingApproval;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.contract.values.TargetRef;
import java.util.List;

/** Request and response bodies of the REST API that are not contract records. */
public final class ApiModels {
  private ApiModels() {}

  /**
   * POST /api/tasks. The requester is the authenticated caller, never a body field.
   *
   * @param approvalTimeoutSeconds optional; default 3600, capped by policy
   * @param finishWhenDone optional; true ends the task once the initial steps have run
   */
  public record StartTask(
      String environment,
      String goal,
      List<ToolCall> steps,
      Long approvalTimeoutSeconds,
      Boolean finishWhenDone,
      String taskId) {}

  /**
   * POST .../approve. The approver is the authenticated caller. Without {@code proof} the API signs
   * the approval as its issuer; with one (for example from {@code interlock sign --key}) the
   * caller's own signature is relayed as it is.
   */
  public record Approve(String callHash, String comment, String breakGlass, ApprovalProof proof) {}

  /** POST .../reject: the reason is required. */
  public record Reject(String callHash, String reason, ApprovalProof proof) {}

  /**
   * POST /api/approvals/batch: one decision on a chosen set of waiting steps, possibly across
   * tasks. The approver is the authenticated caller. Without {@code proof} the API signs the batch
   * statement as its issuer; with one ({@code interlock approve --batch --key}) the caller's own
   * signature over the same statement (its times are the proof's) is relayed as it is.
   *
   * @param decision {@code approve} (default) or {@code reject}
   * @param comment the approval's comment, or the rejection's reason (required to reject)
   * @param steps the exact calls, each {taskId, stepId, callHash}, at most 100
   */
  public record BatchRequest(
      String decision, String comment, List<BatchStep> steps, ApprovalProof proof) {}

  /** One step of a batch: the task's id, the step's id and the callHash the approver saw. */
  public record BatchStep(String taskId, String stepId, String callHash) {}

  /**
   * The answer of POST /api/approvals/batch: the statement and its digest, and one outcome per
   * requested step, in request order.
   */
  public record BatchResult(
      String statementDigest,
      io.interlock.workflows.proof.BatchStatement statement,
      List<io.interlock.contract.views.BatchOutcome> outcomes) {}

  /** One line of GET /api/tasks. */
  public record TaskSummary(
      String taskId,
      String requester,
      String environment,
      String goal,
      String state,
      List<String> pendingSteps) {}

  /**
   * One entry of GET /api/approvals: the pending approval and whether the caller may approve it.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PendingView(
      String taskId,
      String stepId,
      String environment,
      String requester,
      String goal,
      String tool,
      TargetRef target,
      String summary,
      String diff,
      String callHash,
      PolicyDecision policy,
      String since,
      String deadline,
      boolean canApprove) {
    public static PendingView of(PendingApproval p, String user) {
      return of(p, canApprove(p, user));
    }

    static PendingView of(PendingApproval p, boolean canApprove) {
      return new PendingView(
          p.taskId(),
          p.stepId(),
          p.environment(),
          p.requester(),
          p.goal(),
          p.tool(),
          p.target(),
          p.summary(),
          p.diff(),
          p.callHash(),
          p.policy(),
          p.since(),
          p.deadline(),
          canApprove);
    }

    /**
     * Mirrors the workflow's rule for the inbox: listed by the policy and not the requester (the
     * workflow decides).
     */
    static boolean canApprove(PendingApproval p, String user) {
      return p.policy() != null
          && p.policy().approvers().contains(user)
          && !user.equals(p.requester());
    }
  }

  /**
   * One entry of GET /api/approvals/summary: what an inbox row shows, without the diff, policy and
   * callHash (about 40% of the bytes; GET /api/tasks/{id} has them for the review).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PendingSummary(
      String taskId,
      String stepId,
      String environment,
      String requester,
      String goal,
      String tool,
      TargetRef target,
      String summary,
      String since,
      String deadline,
      boolean canApprove) {
    public static PendingSummary of(PendingApproval p, String user) {
      return new PendingSummary(
          p.taskId(),
          p.stepId(),
          p.environment(),
          p.requester(),
          p.goal(),
          p.tool(),
          p.target(),
          p.summary(),
          p.since(),
          p.deadline(),
          PendingView.canApprove(p, user));
    }
  }

  /** GET /api/me. */
  public record Me(String user, String kind, List<String> groups) {}

  /** POST /api/environments/{env}/lock. */
  public record Lock(String reason, String until) {}
}
