package io.interlock.activities.policy;

/**
 * The cluster's answer to an {@link AccessRequest}; {@code reason} is the authorizer's words, if
 * any.
 */
public record AccessVerdict(boolean allowed, String reason) {}
