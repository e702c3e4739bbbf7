package io.interlock.contract.commands;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Signal {@code approve}: names the step and the exact {@code callHash} the approver saw.
 *
 * @param breakGlass optional reason for overriding a denial the policy marks overridable (freeze
 *     windows); only users the policy names may give it, and it costs one extra approval
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Approval(String stepId, String callHash, String approver, String comment, String breakGlass) {
  public Approval(String stepId, String callHash, String approver, String comment) {
    this(stepId, callHash, approver, comment, null);
  }
}
