package io.interlock.workflows.gate;

import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.ApprovalRecord;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.contract.values.StepState;
import java.time.Instant;

/**
 * The approval binding (ARCHITECTURE.md): pure checks of one approval or rejection against the step
 * it names. Returns why it is refused, or null when it is accepted.
 */
public final class ApprovalRules {
  static final int MAX_ID = 128;
  static final int MAX_TEXT = 2_000;
  static final int MAX_PROOF = 16_384;

  private ApprovalRules() {}

  /** Bounds on what an approval may carry, so no caller can grow a task's state or history. */
  public static String tooLong(
      String stepId,
      String callHash,
      String approver,
      String text,
      String breakGlass,
      ApprovalProof proof) {
    if (length(stepId) > MAX_ID || length(callHash) > MAX_ID || length(approver) > MAX_ID) {
      return "refused: stepId, callHash and approver are at most "
          + MAX_ID
          + " characters each (got "
          + length(stepId)
          + ", "
          + length(callHash)
          + ", "
          + length(approver)
          + ")";
    }
    if (length(text) > MAX_TEXT || length(breakGlass) > MAX_TEXT) {
      return "refused: comment, reason and breakGlass are at most " + MAX_TEXT + " characters each";
    }
    if (proof != null
        && (length(proof.signature()) > MAX_PROOF
            || length(proof.token()) > MAX_PROOF
            || length(proof.kind()) > MAX_ID
            || length(proof.issuedAt()) > MAX_ID
            || length(proof.expiresAt()) > MAX_ID)) {
      return "refused: a proof's signature or token is at most " + MAX_PROOF + " characters";
    }
    return null;
  }

  /** Caller-supplied text as it may appear in a refusal: short, one line. */
  static String shown(String s) {
    return io.interlock.contract.values.CallerText.shown(s);
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }

  static String refuseApproval(
      Step step, String callHash, String approver, String breakGlass, String requester, long now) {
    String common = refuseCommon(step, callHash, approver, now);
    if (common != null) {
      return common;
    }
    if (approver.equals(requester)) {
      return "self-approval: '"
          + approver
          + "' requested this call and can never approve it; ask another approver";
    }
    PolicyDecision p = step.policy;
    if (p == null || !p.approvers().contains(approver)) {
      return "approver '"
          + shown(approver)
          + "' is not allowed by policy (rule "
          + (p == null ? "none" : p.ruleId())
          + ", policy "
          + (p == null ? "?" : p.policyVersion())
          + "); allowed approvers: "
          + (p == null ? "[]" : p.approvers());
    }
    if (breakGlass != null && !breakGlass.isBlank() && !p.overridableBy().contains(approver)) {
      return "break-glass by '"
          + shown(approver)
          + "' refused: only "
          + p.overridableBy()
          + " may break glass for rule "
          + p.ruleId();
    }
    return null;
  }

  static String refuseRejection(
      Step step, String callHash, String approver, String reason, String requester, long now) {
    String common = refuseCommon(step, callHash, approver, now);
    if (common != null) {
      return common;
    }
    if (reason == null || reason.isBlank()) {
      return "a rejection needs a reason; send it again with reason set";
    }
    boolean allowed =
        approver.equals(requester)
            || (step.policy != null && step.policy.approvers().contains(approver));
    return allowed
        ? null
        : "'"
            + shown(approver)
            + "' may not reject this call: only the requester or an allowed approver "
            + (step.policy == null ? "[]" : step.policy.approvers())
            + " can";
  }

  private static String refuseCommon(Step step, String callHash, String approver, long now) {
    if (approver == null || approver.isBlank()) {
      return "approver is required";
    }
    if (step.state() == StepState.EXPIRED
        || (step.deadlineMillis > 0 && now > step.deadlineMillis)) {
      return "late: the approval deadline "
          + step.deadline
          + " passed before this arrived at "
          + Instant.ofEpochMilli(now)
          + "; the agent must propose the step again";
    }
    if (step.state() != StepState.AWAITING_APPROVAL) {
      return "step "
          + step.stepId
          + " is "
          + step.state()
          + ", not AWAITING_APPROVAL; nothing to decide";
    }
    if (callHash == null || !callHash.equals(step.callHash)) {
      return "callHash mismatch: the approval names "
          + shown(callHash)
          + " but step "
          + step.stepId
          + " is bound to "
          + step.callHash
          + "; re-read the step and decide on what it shows";
    }
    return null;
  }

  /** Enough distinct allowed approvals, and a break-glass approval where the policy needs one. */
  static boolean satisfied(Step step) {
    PolicyDecision p = step.policy;
    if (p == null || step.approvals.size() < p.requiredApprovals()) {
      return false;
    }
    return !needsBreakGlass(step) || breakGlassReason(step) != null;
  }

  static boolean needsBreakGlass(Step step) {
    return step.policy != null && !step.policy.allowed() && !step.policy.overridableBy().isEmpty();
  }

  static String breakGlassReason(Step step) {
    for (ApprovalRecord a : step.approvals) {
      if (a.breakGlass() != null
          && !a.breakGlass().isBlank()
          && step.policy.overridableBy().contains(a.approver())) {
        return a.approver() + ": " + a.breakGlass();
      }
    }
    return null;
  }
}
