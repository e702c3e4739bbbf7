package io.interlock.contract.commands;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.interlock.contract.values.ApprovalProof;

/**
 * Signal {@code approve}: names the step and the exact {@code callHash} the approver saw, with a
 * proof that the approver made exactly this statement ({@code interlock sign} prints it).
 *
 * @param breakGlass optional reason for overriding a denial the policy marks overridable (freeze
 *     windows); only users the policy names may give it, and it costs one extra approval
 * @param proof required unless the environment's policy says {@code approvals.proof: claimed}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Approval(
    String stepId,
    String callHash,
    String approver,
    String comment,
    String breakGlass,
    ApprovalProof proof) {
  /** A bare claim: refused wherever policy requires proof (the default). */
  public Approval(String stepId, String callHash, String approver, String comment) {
    this(stepId, callHash, approver, comment, null, null);
  }
}
