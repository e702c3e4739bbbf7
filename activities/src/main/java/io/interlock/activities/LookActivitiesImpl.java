package io.interlock.activities;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.activities.policy.AccessReview;
import io.interlock.activities.policy.PolicyActivitiesImpl;
import io.interlock.contract.activities.Look;
import io.interlock.contract.activities.LookActivities;
import io.interlock.contract.activities.LookRequest;
import io.interlock.contract.activities.PolicyCheck;
import io.interlock.contract.activities.ResolvedCall;
import io.interlock.contract.activities.ToolActivities;
import io.interlock.contract.values.Effect;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.contract.values.PolicyStage;
import io.interlock.contract.values.Preview;
import io.interlock.contract.values.ToolSpec;
import io.interlock.workflows.StepBudget;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;

/**
 * The first hop of a step, on this environment's worker: resolve; for a READ asked to run now,
 * policy then the read, the read only when policy allowed it; for a WRITE next in line, policy's
 * ACCESS check (may the engine send it at all), the preview, then policy's PROPOSE check of it.
 * Nothing here writes.
 */
public final class LookActivitiesImpl implements LookActivities {
  private final ToolActivities tools;
  private final PolicyActivitiesImpl policy;

  public LookActivitiesImpl(ToolActivities tools, PolicyActivitiesImpl policy) {
    this.tools = tools;
    this.policy = policy;
  }

  @Override
  public Look look(LookRequest request) {
    ResolvedCall resolved = essentials(tools.resolve(request.environment(), request.call()));
    if (request.proposeCheck() == null || !resolved.ok()) {
      return Look.resolvedOnly(resolved);
    }
    boolean read = resolved.spec().effect() == Effect.READ;
    if (read && request.readNow()) {
      return checkThenRead(request, resolved);
    }
    if (!read && request.previewNow()) {
      return previewThenCheck(request, resolved);
    }
    return Look.resolvedOnly(resolved);
  }

  private Look checkThenRead(LookRequest request, ResolvedCall resolved) {
    PolicyDecision decision;
    try {
      decision =
          policy.check(check(request.proposeCheck(), PolicyStage.PROPOSE, resolved.spec(), null));
    } catch (RuntimeException e) {
      return new Look(resolved, null, null, null, null, reported(e), null, null);
    }
    if (!decision.allowed()) {
      return new Look(resolved, null, null, null, decision, null, null, null);
    }
    try {
      JsonNode result = tools.read(request.environment(), request.call());
      return new Look(resolved, null, null, null, decision, null, result, null);
    } catch (RuntimeException e) {
      return new Look(resolved, null, null, null, decision, null, null, reported(e));
    }
  }

  private Look previewThenCheck(LookRequest request, ResolvedCall resolved) {
    // ACCESS and PROPOSE ask the same permissions milliseconds apart: the cluster answers once.
    AccessReview reviews = AccessReview.once(policy.reviews());
    // The cluster authorizes a dry run like the write: a call the engine may not send is not sent.
    try {
      PolicyDecision access =
          policy.check(
              check(request.proposeCheck(), PolicyStage.ACCESS, resolved.spec(), null), reviews);
      if (!access.allowed()) {
        return new Look(resolved, access, null, null, null, null, null, null);
      }
    } catch (RuntimeException e) {
      return new Look(resolved, null, null, null, null, reported(e), null, null);
    }
    Preview preview;
    try {
      // Bounded here as the gate bounds it, so policy judges the preview approvers will see.
      preview = StepBudget.bounded(tools.preview(request.environment(), request.call()));
    } catch (RuntimeException e) {
      return new Look(resolved, null, null, reported(e), null, null, null, null);
    }
    try {
      PolicyDecision decision =
          policy.check(
              check(request.proposeCheck(), PolicyStage.PROPOSE, resolved.spec(), preview),
              reviews);
      return new Look(resolved, null, preview, null, decision, null, null, null);
    } catch (RuntimeException e) {
      return new Look(resolved, null, preview, null, null, reported(e), null, null);
    }
  }

  /**
   * The workflow's PROPOSE check with what only this hop knows: the spec, the preview, and the
   * stage (ACCESS before the preview, PROPOSE after it).
   */
  private static PolicyCheck check(PolicyCheck c, PolicyStage stage, ToolSpec s, Preview preview) {
    return new PolicyCheck(
        stage,
        c.taskId(),
        c.stepId(),
        c.requester(),
        c.environment(),
        c.call(),
        s,
        preview,
        c.approvals(),
        c.breakGlassReason(),
        c.taskRunId(),
        c.callHash());
  }

  /**
   * What the gate uses of the spec: every pending task's history keeps this result, so the
   * description and argument schema (over a kilobyte, the same for every call) stay out.
   */
  private static ResolvedCall essentials(ResolvedCall r) {
    ToolSpec s = r.spec();
    return s == null
        ? r
        : new ResolvedCall(
            new ToolSpec(s.name(), s.effect(), s.idempotent(), s.destructive(), null, null, null),
            r.problems());
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
