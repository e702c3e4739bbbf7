package io.interlock.activities.policy;

/**
 * A custom rule: when {@code expression} is true the rule fires, either denying the call or raising
 * its required approvals to {@code requireApprovals}.
 *
 * @param requireApprovals 0 for a deny rule
 */
public record CelRule(
    String id, String message, String expression, boolean deny, int requireApprovals) {}
