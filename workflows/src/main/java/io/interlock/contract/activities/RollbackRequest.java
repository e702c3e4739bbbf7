package io.interlock.contract.activities;

import io.interlock.contract.commands.ToolCall;

/** Build the inverse of an executed write from its captured before-state. */
public record RollbackRequest(String environment, ToolCall call, Execution execution) {}
