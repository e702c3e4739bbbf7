package io.interlock.contract.commands;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Update {@code decide}: approve or reject with an immediate answer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Decision(
    String stepId, String callHash, String approver, boolean approve, String comment, String breakGlass) {

  public Decision(String stepId, String callHash, String approver, boolean approve, String comment) {
    this(stepId, callHash, approver, approve, comment, null);
  }

  public Approval asApproval() {
    return new Approval(stepId, callHash, approver, comment, breakGlass);
  }

  public Rejection asRejection() {
    return new Rejection(stepId, callHash, approver, comment);
  }
}
