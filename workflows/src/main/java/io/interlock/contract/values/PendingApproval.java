package io.interlock.contract.values;

/**
 * A write waiting for approval, as the inbox and notifications show it.
 *
 * @param deadline ISO-8601 instant after which approvals are refused
 * @param since ISO-8601 instant it started waiting
 */
public record PendingApproval(
    String taskId,
    String stepId,
    String environment,
    String requester,
    String goal,
    String tool,
    TargetRef target,
    String summary,
    String diff,
    String callHash,
    PolicyDecision policy,
    String since,
    String deadline) {}
