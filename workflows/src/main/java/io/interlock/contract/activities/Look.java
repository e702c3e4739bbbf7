package io.interlock.contract.activities;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.contract.values.Preview;

/**
 * What the first hop found: the resolution; for a WRITE next in line, its preview and policy's
 * PROPOSE decision (or the ACCESS denial that kept the preview from being sent); for a READ that
 * may run now, policy's decision and the read's result. A stage it did not reach is null; a stage
 * that failed says why.
 *
 * @param accessDenied policy's ACCESS decision when it denied: nothing, not even a dry run, was
 *     sent
 * @param previewFailure why the preview failed (nothing was changed)
 * @param policyFailure why policy could not be evaluated (the gate then fails closed)
 * @param readFailure why the read failed, after policy allowed it
 */
public record Look(
    ResolvedCall resolved,
    PolicyDecision accessDenied,
    Preview preview,
    String previewFailure,
    PolicyDecision policy,
    String policyFailure,
    JsonNode result,
    String readFailure) {
  public static Look resolvedOnly(ResolvedCall resolved) {
    return new Look(resolved, null, null, null, null, null, null, null);
  }

  /**
   * Whether the look went past resolution for a write: access, preview or the PROPOSE check (a
   * queued write's first hop resolves only).
   */
  public boolean ranWriteStages() {
    return accessDenied != null
        || preview != null
        || previewFailure != null
        || policyFailure != null;
  }
}
