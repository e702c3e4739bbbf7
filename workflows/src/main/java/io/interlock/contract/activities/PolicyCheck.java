package io.interlock.contract.activities;

import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.ApprovalRecord;
import io.interlock.contract.values.PolicyStage;
import io.interlock.contract.values.Preview;
import io.interlock.contract.values.ToolSpec;
import java.util.List;

/**
 * What the policy activity judges.
 *
 * @param stage PROPOSE (before approval is requested) or RECHECK (right before execution); null
 *     reads as PROPOSE
 * @param approvals accepted approvals so far (RECHECK confirms they still satisfy policy)
 * @param breakGlassReason non-null when an approver invoked a break-glass override
 * @param taskRunId the task's first run id, and {@code callHash} the step's: at RECHECK every
 *     approval's proof is verified again against the keys policy lists now (a revoked key stops it)
 */
public record PolicyCheck(
    PolicyStage stage,
    String taskId,
    String stepId,
    String requester,
    String environment,
    ToolCall call,
    ToolSpec spec,
    Preview preview,
    List<ApprovalRecord> approvals,
    String breakGlassReason,
    String taskRunId,
    String callHash) {}
