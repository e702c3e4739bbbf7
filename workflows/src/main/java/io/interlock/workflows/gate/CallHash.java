package io.interlock.workflows.gate;

import io.interlock.workflows.CanonicalJson;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code callHash}: SHA-256 over the {@link CanonicalJson} of everything an approver is shown for
 * one step, so an approval names exactly one call. Pure and deterministic.
 */
public final class CallHash {
  private CallHash() {}

  /** The canonical JSON the hash is taken over (also shown in the audit). */
  public static String canonicalJson(Step step, String taskRunId, String environment) {
    Map<String, Object> bound = new LinkedHashMap<>();
    // The chain's first run id identifies the task inside its own history (a workflow id is not in
    // it).
    bound.put("task", taskRunId);
    bound.put("stepId", step.stepId);
    bound.put("environment", environment);
    bound.put("tool", step.call.tool());
    bound.put("args", step.call.args());
    bound.put("target", step.preview == null ? null : step.preview.target());
    bound.put("preview", step.preview);
    bound.put(
        "policy",
        step.policy == null
            ? null
            : Map.of(
                "ruleId", String.valueOf(step.policy.ruleId()),
                "requiredApprovals", step.policy.requiredApprovals(),
                "policyVersion", String.valueOf(step.policy.policyVersion())));
    bound.put("deadline", step.deadline);
    bound.put("rollbackOf", step.rollbackOf);
    return CanonicalJson.ofValue(bound);
  }

  public static String of(Step step, String taskRunId, String environment) {
    return ofCanonical(canonicalJson(step, taskRunId, environment));
  }

  /** The hash of a canonical call already built (by {@link #canonicalJson}). */
  static String ofCanonical(String canonicalCall) {
    return CanonicalJson.sha256(canonicalCall);
  }
}
