package io.interlock.activities;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.contract.activities.Look;
import io.interlock.contract.activities.LookActivities;
import io.interlock.contract.activities.LookRequest;
import io.interlock.contract.activities.PolicyActivities;
import io.interlock.contract.activities.PolicyCheck;
import io.interlock.contract.activities.ResolvedCall;
import io.interlock.contract.activities.ToolActivities;
import io.interlock.contract.values.Effect;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.contract.values.ToolSpec;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;

/**
 * The first hop of a step, on this environment's worker: resolve; for a READ asked to run now,
 * policy then the read, in that order, the read only when policy allowed it.
 */
public final class LookActivitiesImpl implements LookActivities {
  private final ToolActivities tools;
  private final PolicyActivities policy;

  public LookActivitiesImpl(ToolActivities tools, PolicyActivities policy) {
    this.tools = tools;
    this.policy = policy;
  }

  @Override
  public Look look(LookRequest request) {
    ResolvedCall resolved = tools.resolve(request.environment(), request.call());
    if (request.readPolicy() == null || !resolved.ok() || resolved.spec().effect() != Effect.READ) {
      return new Look(resolved, null, null, null, null);
    }
    PolicyCheck c = request.readPolicy();
    ToolSpec s = resolved.spec();
    PolicyCheck check =
        new PolicyCheck(
            c.stage(),
            c.taskId(),
            c.stepId(),
            c.requester(),
            c.environment(),
            c.call(),
            new ToolSpec(s.name(), s.effect(), s.idempotent(), s.destructive(), null, null, null),
            c.preview(),
            c.approvals(),
            c.breakGlassReason(),
            c.taskRunId(),
            c.callHash());
    PolicyDecision decision;
    try {
      decision = policy.check(check);
    } catch (RuntimeException e) {
      return new Look(resolved, null, reported(e), null, null);
    }
    if (!decision.allowed()) {
      return new Look(resolved, decision, null, null, null);
    }
    try {
      JsonNode result = tools.read(request.environment(), request.call());
      return new Look(resolved, decision, null, result, null);
    } catch (RuntimeException e) {
      return new Look(resolved, decision, null, null, reported(e));
    }
  }

  /**
   * A failure the gate would have retried is thrown (the whole look is retried, it only reads); on
   * the last attempt, or when final, it is reported as the separate activities reported it.
   */
  private static String reported(RuntimeException e) {
    boolean lastAttempt = attempt() >= ATTEMPTS;
    if (e instanceof ApplicationFailure af) {
      if (!af.isNonRetryable() && !lastAttempt) {
        throw af;
      }
      return af.getOriginalMessage() + " [" + af.getType() + "]";
    }
    if (!lastAttempt) {
      throw e;
    }
    return e.getMessage() + " [" + e.getClass().getName() + "]";
  }

  private static int attempt() {
    try {
      return Activity.getExecutionContext().getInfo().getAttempt();
    } catch (IllegalStateException notInActivity) {
      return ATTEMPTS; // called directly: report, nothing would retry it
    }
  }
}
