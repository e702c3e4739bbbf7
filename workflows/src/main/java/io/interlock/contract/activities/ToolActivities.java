package io.interlock.contract.activities;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.Preview;
import io.interlock.contract.values.Verification;
import io.temporal.activity.ActivityInterface;

/**
 * Every side effect of a tool, served on {@code interlock-env-<environment>} by a worker that holds
 * that environment's credentials. These methods execute what the workflow hands them; they never
 * decide whether a write may run.
 */
@ActivityInterface
public interface ToolActivities {

  /** Look the tool up in the registry and validate the arguments against its schema. */
  ResolvedCall resolve(String environment, ToolCall call);

  /** Run a READ tool. Refuses WRITE tools. */
  JsonNode read(String environment, ToolCall call);

  /** Snapshot the target and compute what the write would change, without changing anything. */
  Preview preview(String environment, ToolCall call);

  /** Run an approved WRITE with the approved target's preconditions. */
  Execution execute(ExecuteRequest request);

  /** Observe the real state until the intended state is reached, it fails, or the budget ends. */
  Verification verify(VerifyRequest request);

  /** Build the inverse call from the captured before-state. */
  RollbackPlan planRollback(RollbackRequest request);
}
