package io.interlock.workflows.gate;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.Look;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.ApprovalRecord;
import io.interlock.contract.values.Effect;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.contract.values.Preview;
import io.interlock.contract.values.Refusal;
import io.interlock.contract.values.StepState;
import io.interlock.contract.values.Verification;
import io.interlock.contract.views.StepView;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Mutable state of one step inside the workflow; every surface sees it as a {@link StepView}. */
final class Step {
  /** Every move a step may make (ARCHITECTURE.md); anything else is a bug in the gate, refused. */
  private static final Map<StepState, Set<StepState>> MOVES =
      new EnumMap<>(
          Map.of(
              StepState.PROPOSED,
                  EnumSet.of(
                      StepState.RUNNING,
                      StepState.PREVIEWED,
                      StepState.BLOCKED,
                      StepState.FAILED,
                      StepState.SKIPPED),
              StepState.RUNNING, EnumSet.of(StepState.SUCCEEDED, StepState.FAILED),
              StepState.PREVIEWED, EnumSet.of(StepState.POLICY_CHECKED, StepState.BLOCKED),
              StepState.POLICY_CHECKED, EnumSet.of(StepState.AWAITING_APPROVAL),
              StepState.AWAITING_APPROVAL,
                  EnumSet.of(StepState.APPROVED, StepState.REJECTED, StepState.EXPIRED),
              StepState.APPROVED, EnumSet.of(StepState.POLICY_RECHECKED, StepState.BLOCKED),
              StepState.POLICY_RECHECKED, EnumSet.of(StepState.EXECUTING),
              StepState.EXECUTING, EnumSet.of(StepState.VERIFYING, StepState.FAILED),
              StepState.VERIFYING, EnumSet.of(StepState.VERIFIED, StepState.VERIFICATION_FAILED)));

  final String stepId;

  /** The step's number, the order it was proposed in (its id is "s" + number). */
  final int number;

  /** Replaced by the tool name alone when the step is compacted. */
  ToolCall call;

  final String rollbackOf;
  final String proposedAt;

  Effect effect;
  private StepState state = StepState.PROPOSED;
  boolean idempotent;
  boolean destructive;
  String callHash;

  /** What the first hop already did (preview, policy, the read); used once, never carried. */
  Look looked;

  /** When (workflow time) the first hop answered. */
  long lookedAt;

  Preview preview;
  PolicyDecision policy;
  PolicyDecision recheck;
  final List<ApprovalRecord> approvals = new ArrayList<>();
  final List<Refusal> refusals = new ArrayList<>();
  int refusalsDropped;
  String deadline;
  long deadlineMillis;
  boolean rejected;
  JsonNode result;
  String error;
  Verification verification;
  Execution execution;

  /** Args, preview details, result and before/after dropped: the history keeps them whole. */
  boolean compacted;

  /** Bytes of the whole view, measured once the step finished (0 until then). */
  int finishedBytes;

  Step(int number, ToolCall call, String rollbackOf, String proposedAt) {
    this.number = number;
    this.stepId = "s" + number;
    this.call = call;
    this.rollbackOf = rollbackOf;
    this.proposedAt = proposedAt;
  }

  /** Whether the gate may move a step from one state to the other. */
  static boolean canMove(StepState from, StepState to) {
    return MOVES.getOrDefault(from, Set.of()).contains(to);
  }

  /** The one place a step changes state: a move not in {@link #MOVES} is refused. */
  void moveTo(StepState next) {
    if (!canMove(state, next)) {
      throw new IllegalStateException(
          "step "
              + stepId
              + " cannot move from "
              + state
              + " to "
              + next
              + ": not a transition of the gate (Step.MOVES); this is a bug in the workflow, not in the call");
    }
    state = next;
  }

  StepState state() {
    return state;
  }

  /** The step as callers see it: its policy decisions without the approvers' keys. */
  StepView view() {
    return view(false);
  }

  /**
   * The whole step, keys included, as the next run restores it (proofs are checked against them).
   */
  StepView carried() {
    return view(true);
  }

  private StepView view(boolean keys) {
    return new StepView(
        stepId,
        call.tool(),
        compacted ? null : call.args(),
        effect,
        state,
        idempotent,
        destructive,
        callHash,
        preview,
        policy == null || keys ? policy : policy.withoutKeys(),
        recheck == null || keys ? recheck : recheck.withoutKeys(),
        List.copyOf(approvals),
        List.copyOf(refusals),
        deadline,
        result,
        error,
        verification,
        execution == null ? null : execution.before(),
        execution == null ? null : execution.after(),
        rollbackOf,
        proposedAt,
        refusalsDropped,
        compacted);
  }

  /**
   * Drops what only a whole view needs (args, preview body, result, before/after, proof evidence,
   * kept refusals) and keeps what the step was and how it ended.
   */
  void compact() {
    compacted = true;
    call = new ToolCall(call.tool(), null);
    if (preview != null) {
      preview =
          new Preview(preview.target(), preview.summary(), null, null, null, preview.warnings());
    }
    policy = withoutKeys(policy);
    recheck = withoutKeys(recheck);
    approvals.replaceAll(
        a ->
            new ApprovalRecord(
                a.approver(), a.at(), a.comment(), a.breakGlass(), a.proof(), null, a.batch()));
    refusalsDropped += refusals.size();
    refusals.clear();
    result = null;
    execution = null;
    error = io.interlock.contract.values.CallerText.bounded(error, 512);
  }

  /**
   * The decision without the keys and observations it carried: a finished step is never verified
   * again.
   */
  private static PolicyDecision withoutKeys(PolicyDecision d) {
    return d == null
        ? null
        : new PolicyDecision(
            d.allowed(),
            d.ruleId(),
            io.interlock.contract.values.CallerText.bounded(d.reason(), 512),
            d.requiredApprovals(),
            d.approvers(),
            d.policyVersion(),
            d.stage(),
            null,
            d.maxApprovalSeconds(),
            d.verifyBudgetSeconds(),
            d.overridableBy());
  }

  /** Rebuilds a step carried across continue-as-new. */
  static Step from(StepView v) {
    // Ids are "s" + number (the constructor's): the one place a number is read back from an id.
    Step s =
        new Step(
            Integer.parseInt(v.stepId().substring(1)),
            new ToolCall(v.tool(), v.args()),
            v.rollbackOf(),
            v.proposedAt());
    s.effect = v.effect();
    s.state = v.state();
    s.idempotent = v.idempotent();
    s.destructive = v.destructive();
    s.callHash = v.callHash();
    s.preview = v.preview();
    s.policy = v.policy();
    s.recheck = v.recheck();
    s.approvals.addAll(v.approvals());
    s.refusals.addAll(v.refusals());
    s.refusalsDropped = v.refusalsDropped();
    s.compacted = v.compacted();
    s.deadline = v.deadline();
    s.deadlineMillis =
        v.deadline() == null ? 0 : java.time.Instant.parse(v.deadline()).toEpochMilli();
    s.result = v.result();
    s.error = v.error();
    s.verification = v.verification();
    if (v.before() != null || v.after() != null) {
      s.execution = new Execution(v.before(), v.after(), null, null, null);
    }
    return s;
  }
}
