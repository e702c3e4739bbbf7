package io.interlock.contract.activities;

import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.TargetRef;

/**
 * The exact approved call and the target snapshot whose uid/resourceVersion are its preconditions.
 */
public record ExecuteRequest(
    String taskId,
    String stepId,
    String environment,
    ToolCall call,
    TargetRef approvedTarget,
    String callHash) {}
