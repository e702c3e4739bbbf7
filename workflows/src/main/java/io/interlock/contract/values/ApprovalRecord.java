package io.interlock.contract.values;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An accepted approval: who, when (ISO-8601), their comment, a break-glass reason if any, and what
 * proved it was them ({@code proof.label()}: "verified (…)" or "unverified claim").
 *
 * @param evidence the proof as sent, kept so a re-check and an offline audit can verify it again
 * @param batch for an approval from a batch statement: that statement's digest (the evidence signs
 *     it; the statement itself is in the signal that carried it)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApprovalRecord(
    String approver,
    String at,
    String comment,
    String breakGlass,
    ProofVerdict proof,
    ApprovalProof evidence,
    String batch) {
  public ApprovalRecord(String approver, String at, String comment) {
    this(approver, at, comment, null, null, null, null);
  }

  public ApprovalRecord(
      String approver,
      String at,
      String comment,
      String breakGlass,
      ProofVerdict proof,
      ApprovalProof evidence) {
    this(approver, at, comment, breakGlass, proof, evidence, null);
  }
}
