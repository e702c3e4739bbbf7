package io.interlock.contract.activities;

import io.interlock.contract.commands.ToolCall;

/** The inverse call, or null with a note saying why none can be built. */
public record RollbackPlan(ToolCall call, String note) {}
