package io.interlock.contract.activities;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.contract.values.PolicyDecision;

/**
 * What the first hop found: the resolution and, for a READ asked to run at once, policy's decision
 * and the read's result. A stage it did not reach is null; a stage that failed says why.
 *
 * @param policyFailure why policy could not be evaluated (the gate then fails closed)
 * @param readFailure why the read failed, after policy allowed it
 */
public record Look(
    ResolvedCall resolved,
    PolicyDecision policy,
    String policyFailure,
    JsonNode result,
    String readFailure) {}
