package io.interlock.contract.values;

import java.util.List;
import java.util.Map;

/**
 * A policy verdict on one call at one stage.
 *
 * @param allowed false blocks the step
 * @param ruleId the rule that decided (the blocking rule when denied)
 * @param reason the rule's message, with the values it saw
 * @param requiredApprovals distinct approvers needed
 * @param approvers users allowed to approve (after group expansion); empty means nobody
 * @param policyVersion content hash of the policy file that decided
 * @param stage PROPOSE or RECHECK
 * @param observed the values the deciding rule saw
 * @param maxApprovalSeconds cap on the approval deadline (0 = no cap)
 * @param verifyBudgetSeconds verification budget from policy (0 = the tool's default)
 * @param overridableBy when denied: users who may break glass (approval with a reason, plus one
 *     extra approval); empty when the denial cannot be overridden
 * @param proofs how approvals must be proven here, with the keys of the allowed approvers and the
 *     trusted issuers: the workflow verifies each approval's proof against exactly these
 */
public record PolicyDecision(
    boolean allowed,
    String ruleId,
    String reason,
    int requiredApprovals,
    List<String> approvers,
    String policyVersion,
    PolicyStage stage,
    Map<String, Object> observed,
    long maxApprovalSeconds,
    long verifyBudgetSeconds,
    List<String> overridableBy,
    ProofPolicy proofs) {
  public PolicyDecision {
    proofs = proofs == null ? new ProofPolicy(ProofPolicy.REQUIRED, null, null, 0) : proofs;
    approvers = approvers == null ? List.of() : List.copyOf(approvers);
    overridableBy = overridableBy == null ? List.of() : List.copyOf(overridableBy);
    observed = observed == null ? Map.of() : Map.copyOf(observed);
  }

  /**
   * The same decision for showing (the inbox, a notice): the proof rules without the approvers'
   * keys, which only the workflow that verifies proofs needs, and which every pending copy repeats.
   */
  public PolicyDecision withoutKeys() {
    return new PolicyDecision(
        allowed,
        ruleId,
        reason,
        requiredApprovals,
        approvers,
        policyVersion,
        stage,
        observed,
        maxApprovalSeconds,
        verifyBudgetSeconds,
        overridableBy,
        proofs == null
            ? null
            : new ProofPolicy(proofs.mode(), null, null, proofs.maxProofSeconds(), proofs.batch()));
  }

  /** A decision that carries no keys: every proof fails against it (fail closed). */
  public PolicyDecision(
      boolean allowed,
      String ruleId,
      String reason,
      int requiredApprovals,
      List<String> approvers,
      String policyVersion,
      PolicyStage stage,
      Map<String, Object> observed,
      long maxApprovalSeconds,
      long verifyBudgetSeconds,
      List<String> overridableBy) {
    this(
        allowed,
        ruleId,
        reason,
        requiredApprovals,
        approvers,
        policyVersion,
        stage,
        observed,
        maxApprovalSeconds,
        verifyBudgetSeconds,
        overridableBy,
        null);
  }
}
