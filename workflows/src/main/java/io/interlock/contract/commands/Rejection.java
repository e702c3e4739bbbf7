package io.interlock.contract.commands;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.interlock.contract.values.ApprovalProof;

/** Signal {@code reject}: a reason is required, and a proof as for an approval. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rejection(
    String stepId, String callHash, String approver, String reason, ApprovalProof proof) {
  /** A bare claim: refused wherever policy requires proof (the default). */
  public Rejection(String stepId, String callHash, String approver, String reason) {
    this(stepId, callHash, approver, reason, null);
  }
}
