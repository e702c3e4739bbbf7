package io.interlock.gate;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.contract.activities.ExecuteRequest;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.ResolvedCall;
import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.activities.RollbackRequest;
import io.interlock.contract.activities.ToolActivities;
import io.interlock.contract.activities.VerifyRequest;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.Preview;
import io.interlock.contract.values.Verification;

/**
 * The real tool activities, passed through: a test overrides one method to change its timing or
 * answer.
 */
abstract class ForwardingToolActivities implements ToolActivities {
  final ToolActivities real;

  ForwardingToolActivities(ToolActivities real) {
    this.real = real;
  }

  @Override
  public ResolvedCall resolve(String environment, ToolCall call) {
    return real.resolve(environment, call);
  }

  @Override
  public JsonNode read(String environment, ToolCall call) {
    return real.read(environment, call);
  }

  @Override
  public Preview preview(String environment, ToolCall call) {
    return real.preview(environment, call);
  }

  @Override
  public Execution execute(ExecuteRequest request) {
    return real.execute(request);
  }

  @Override
  public Verification verify(VerifyRequest request) {
    return real.verify(request);
  }

  @Override
  public RollbackPlan planRollback(RollbackRequest request) {
    return real.planRollback(request);
  }
}
