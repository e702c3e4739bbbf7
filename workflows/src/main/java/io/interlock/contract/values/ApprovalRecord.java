package io.interlock.contract.values;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An accepted approval: who, when (ISO-8601), their comment, and a break-glass reason if any. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApprovalRecord(String approver, String at, String comment, String breakGlass) {
  public ApprovalRecord(String approver, String at, String comment) {
    this(approver, at, comment, null);
  }
}
