package io.interlock.contract.views;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.contract.values.ApprovalRecord;
import io.interlock.contract.values.Effect;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.contract.values.Preview;
import io.interlock.contract.values.Refusal;
import io.interlock.contract.values.StepState;
import io.interlock.contract.values.Verification;
import java.util.List;
import java.util.Map;

/**
 * One step of a task as every surface sees it.
 *
 * @param policy decision when proposed; {@code recheck} the one right before execution
 * @param deadline ISO-8601 instant after which approvals are refused
 * @param before target state captured right before the mutation; {@code after} right after it
 * @param rollbackOf the step this one undoes, for a proposed rollback
 * @param proposedAt ISO-8601 instant the step was proposed
 * @param refusalsDropped refusals beyond the ones kept in {@code refusals} (the history has all)
 * @param compacted true for a finished step held compact to keep the task bounded: args, preview
 *     diff, result, before/after and proof evidence are left out (the history and audit keep them)
 */
public record StepView(
    String stepId,
    String tool,
    Map<String, Object> args,
    Effect effect,
    StepState state,
    boolean idempotent,
    boolean destructive,
    String callHash,
    Preview preview,
    PolicyDecision policy,
    PolicyDecision recheck,
    List<ApprovalRecord> approvals,
    List<Refusal> refusals,
    String deadline,
    JsonNode result,
    String error,
    Verification verification,
    JsonNode before,
    JsonNode after,
    String rollbackOf,
    String proposedAt,
    int refusalsDropped,
    boolean compacted) {}
