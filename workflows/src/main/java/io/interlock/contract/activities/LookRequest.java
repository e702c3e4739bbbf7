package io.interlock.contract.activities;

import io.interlock.contract.commands.ToolCall;

/**
 * The first hop of a step.
 *
 * @param proposeCheck the PROPOSE-stage check the step must pass (the activity fills in the tool's
 *     spec and, for a WRITE, the preview), or null to resolve only
 * @param readNow a READ may run in this hop (no write of the task is executing)
 * @param previewNow a WRITE may be previewed and checked in this hop (it is next in line)
 */
public record LookRequest(
    String environment,
    ToolCall call,
    PolicyCheck proposeCheck,
    boolean readNow,
    boolean previewNow) {}
