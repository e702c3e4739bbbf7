package io.interlock.workflows.gate;

import static io.interlock.workflows.gate.AuditTrail.detail;

import io.interlock.contract.commands.Decision;
import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.ApprovalRecord;
import io.interlock.contract.values.AuditKind;
import io.interlock.contract.values.ProofVerdict;
import io.interlock.contract.values.Refusal;
import io.interlock.workflows.proof.ProofVerifier;
import io.interlock.workflows.proof.Statement;
import io.temporal.workflow.Workflow;
import java.time.Instant;

/**
 * Where approvals and rejections arrive: each is checked against the step it names (binding,
 * deadline, proof) and accepted or refused, and either way recorded. The gate only reads the
 * outcome.
 */
final class ApprovalDesk {
  /** Refusals kept per step; later ones are only counted (the history keeps every one). */
  static final int MAX_REFUSALS = 50;

  private static final String ENGINE = "engine";

  private final TaskContext task;
  private final StepQueue steps;
  private final AuditTrail audit;

  ApprovalDesk(TaskContext task, StepQueue steps, AuditTrail audit) {
    this.task = task;
    this.steps = steps;
    this.audit = audit;
  }

  /** Where batch statements are decided, entry by entry, through this desk. */
  BatchDesk batches() {
    return new BatchDesk(task, steps, audit, this);
  }

  /**
   * Whether the step needs no approval at all: policy asks for none and no denial must be
   * overridden.
   */
  static boolean preApproved(Step s) {
    return s.policy.requiredApprovals() == 0 && !ApprovalRules.needsBreakGlass(s);
  }

  /** Whether the approvals and rejections so far decide the step. */
  static boolean decided(Step s) {
    return s.rejected || ApprovalRules.satisfied(s);
  }

  /**
   * Why a decision cannot be taken, thrown before it reaches the history (a refused update is not
   * recorded).
   */
  void checkDecision(Decision d) {
    if (d == null || blank(d.stepId()) || blank(d.callHash()) || blank(d.approver())) {
      throw new IllegalArgumentException("decision needs stepId, callHash, approver and proof");
    }
    String tooLong =
        ApprovalRules.tooLong(
            d.stepId(), d.callHash(), d.approver(), d.comment(), d.breakGlass(), d.proof());
    if (tooLong != null) {
      throw new IllegalArgumentException(tooLong);
    }
    if (steps.find(d.stepId()) == null) {
      throw new IllegalArgumentException(
          "unknown step '"
              + ApprovalRules.shown(d.stepId())
              + "' in task "
              + task.taskId()
              + "; steps are "
              + steps.ids(20));
    }
  }

  /** How a decision's proof is checked against one step (its own statement, or a batch's). */
  interface Prover {
    ProofVerdict check(Step s, long now);
  }

  /** Records an accepted approval/rejection or a refusal; returns the refusal reason or null. */
  String acceptOrRefuse(
      String stepId,
      String callHash,
      String approver,
      String text,
      String breakGlass,
      boolean approving,
      ApprovalProof proof) {
    return decide(
        stepId,
        callHash,
        approver,
        text,
        breakGlass,
        approving,
        proof,
        (s, now) -> prove(s, callHash, approver, approving, text, breakGlass, proof, now),
        null);
  }

  /**
   * The same for one entry of a batch statement: {@code batch} names the statement and the entry
   * (recorded with every outcome) and adds the batch rules of the step's policy.
   */
  String decideEntry(
      String stepId,
      String callHash,
      String approver,
      String text,
      boolean approving,
      ApprovalProof proof,
      Prover prover,
      BatchRef batch) {
    return decide(stepId, callHash, approver, text, null, approving, proof, prover, batch);
  }

  private String decide(
      String stepId,
      String callHash,
      String approver,
      String text,
      String breakGlass,
      boolean approving,
      ApprovalProof proof,
      Prover prover,
      BatchRef batch) {
    Object ref = batch == null ? null : batch.detail();
    long now = Workflow.currentTimeMillis();
    String at = Instant.ofEpochMilli(now).toString();
    String tooLong = ApprovalRules.tooLong(stepId, callHash, approver, text, breakGlass, proof);
    Step s = stepId != null && stepId.length() <= ApprovalRules.MAX_ID ? steps.find(stepId) : null;
    if (s == null) {
      // Bounded: whatever the caller sent, the record of it stays small.
      String why =
          tooLong != null
              ? tooLong
              : "unknown step '" + ApprovalRules.shown(stepId) + "' in task " + task.taskId();
      audit.record(
          null,
          AuditKind.REFUSED,
          ApprovalRules.shown(approver),
          detail("why", why, "callHash", ApprovalRules.shown(callHash), "batch", ref));
      return why;
    }
    if (tooLong != null) {
      refuse(s, approver, at, tooLong, callHash, approving, null, ref);
      return tooLong;
    }
    String why =
        approving
            ? ApprovalRules.refuseApproval(s, callHash, approver, breakGlass, task.requester(), now)
            : ApprovalRules.refuseRejection(s, callHash, approver, text, task.requester(), now);
    if (why == null && batch != null && approving) {
      why = batch.refusal(s, task.environment());
    }
    ProofVerdict verdict = null;
    if (why == null) {
      verdict = prover.check(s, now);
      if (!verdict.verified() && !ProofVerdict.CLAIM.equals(verdict.kind())) {
        why = "proof refused for '" + approver + "': " + verdict.problem();
      }
    }
    if (why != null) {
      refuse(s, approver, at, why, callHash, approving, verdict, ref);
      return why;
    }
    if (!approving) {
      s.rejected = true;
      s.error = "rejected by " + approver + " [" + verdict.label() + "]: " + text;
      audit.record(
          s.stepId,
          AuditKind.REJECTED,
          approver,
          detail("reason", text, "callHash", callHash, "proof", verdict, "batch", ref));
      return null;
    }
    if (s.approvals.stream().anyMatch(x -> x.approver().equals(approver))) {
      audit.record(
          s.stepId,
          AuditKind.APPROVAL_REPEATED,
          approver,
          detail("callHash", callHash, "batch", ref));
      return null;
    }
    s.approvals.add(
        new ApprovalRecord(
            approver,
            at,
            text,
            blank(breakGlass) ? null : breakGlass,
            verdict,
            proof,
            batch == null ? null : batch.digest()));
    audit.record(
        s.stepId,
        AuditKind.APPROVAL,
        approver,
        detail(
            "callHash",
            callHash,
            "comment",
            text,
            "breakGlass",
            breakGlass,
            "count",
            s.approvals.size(),
            "required",
            s.policy.requiredApprovals(),
            "proof",
            verdict,
            "batch",
            ref));
    return null;
  }

  /**
   * Checks the proof against the keys the step's policy decision carried, at workflow time. With no
   * proof, only an environment whose policy says {@code approvals.proof: claimed} takes the name,
   * marked as an unverified claim.
   */
  private ProofVerdict prove(
      Step s,
      String callHash,
      String approver,
      boolean approving,
      String text,
      String breakGlass,
      ApprovalProof proof,
      long now) {
    String issuedAt = proof == null ? null : proof.issuedAt();
    String expiresAt = proof == null ? null : proof.expiresAt();
    Statement statement =
        Statement.decision(
            task.taskRunId(),
            s.stepId,
            callHash,
            approver,
            approving,
            text,
            approving ? breakGlass : null,
            issuedAt,
            expiresAt);
    if (proof == null && s.policy.proofs().claimsAccepted()) {
      return ProofVerdict.claim(statement.digest());
    }
    return ProofVerifier.verify(proof, statement, s.policy.proofs(), now, s.deadlineMillis);
  }

  private void refuse(
      Step s,
      String approver,
      String at,
      String why,
      String callHash,
      boolean approving,
      ProofVerdict verdict,
      Object batch) {
    String who = ApprovalRules.shown(approver);
    if (s.refusals.size() < MAX_REFUSALS) {
      s.refusals.add(new Refusal(who, at, why));
    } else {
      s.refusalsDropped++;
    }
    audit.record(
        s.stepId,
        AuditKind.REFUSED,
        who,
        detail(
            "why",
            why,
            "callHash",
            ApprovalRules.shown(callHash),
            "approving",
            approving,
            "proof",
            verdict,
            "batch",
            batch));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
