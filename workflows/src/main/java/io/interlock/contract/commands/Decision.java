package io.interlock.contract.commands;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.interlock.contract.values.ApprovalProof;

/** Update {@code decide}: approve or reject with an immediate answer; carries the same proof. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Decision(
    String stepId,
    String callHash,
    String approver,
    boolean approve,
    String comment,
    String breakGlass,
    ApprovalProof proof) {

  public Decision(
      String stepId, String callHash, String approver, boolean approve, String comment) {
    this(stepId, callHash, approver, approve, comment, null, null);
  }
}
