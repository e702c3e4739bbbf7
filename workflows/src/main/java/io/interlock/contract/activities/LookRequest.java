package io.interlock.contract.activities;

import io.interlock.contract.commands.ToolCall;

/**
 * The first hop of a step.
 *
 * @param readPolicy the PROPOSE-stage check a READ must pass (its {@code spec} is filled in from
 *     the resolution), or null to resolve only
 */
public record LookRequest(String environment, ToolCall call, PolicyCheck readPolicy) {}
