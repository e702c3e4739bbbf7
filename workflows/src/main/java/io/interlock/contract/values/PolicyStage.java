package io.interlock.contract.values;

/**
 * When policy judges a write: whether the engine's own credentials may send it at all (before the
 * preview, whose dry run the cluster authorizes like the write), before approval is requested, and
 * again right before it runs.
 */
public enum PolicyStage {
  /** Environment, tool, scope and the engine's RBAC (SelfSubjectAccessReview) only; no preview. */
  ACCESS(AuditKind.ACCESS, StepState.PROPOSED),
  PROPOSE(AuditKind.POLICY, StepState.POLICY_CHECKED),
  RECHECK(AuditKind.POLICY_RECHECK, StepState.POLICY_RECHECKED);

  private final AuditKind audit;
  private final StepState passed;

  PolicyStage(AuditKind audit, StepState passed) {
    this.audit = audit;
    this.passed = passed;
  }

  /** The stage whose decision an audit entry of this kind records, or null when it records none. */
  public static PolicyStage recordedBy(AuditKind kind) {
    for (PolicyStage s : values()) {
      if (s.audit == kind) {
        return s;
      }
    }
    return null;
  }

  /** The audit entry that records this stage's decision. */
  public AuditKind audit() {
    return audit;
  }

  /**
   * Where an allowed write goes from this stage (a denied one is BLOCKED); ACCESS leaves it
   * PROPOSED, its preview comes next.
   */
  public StepState passed() {
    return passed;
  }
}
