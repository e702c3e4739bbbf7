package io.interlock.contract.activities;

import io.interlock.contract.commands.ToolCall;

/** Verify one executed write within a budget (0 = the tool's own default). */
public record VerifyRequest(
    String environment, ToolCall call, Execution execution, long budgetSeconds) {}
