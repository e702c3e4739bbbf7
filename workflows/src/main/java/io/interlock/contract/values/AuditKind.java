package io.interlock.contract.values;

/**
 * What one audit entry records. The names are the strings on the wire and in the histories'
 * markers, so renaming one breaks every committed audit trail: add, never rename.
 */
public enum AuditKind {
  TASK_STARTED(null),
  REQUESTER(null),
  REQUEST_REFUSED(null),
  PROPOSED(StepState.PROPOSED),
  RESUMED(null),
  RESOLVED(null),
  TOOL_REFUSED(StepState.FAILED),
  READ(StepState.SUCCEEDED),
  READ_FAILED(StepState.FAILED),
  /**
   * The engine's credentials may not send the write (nor its dry run): recorded when denied, then
   * BLOCKED; an allowed access check is recorded by the POLICY entry, which repeats it.
   */
  ACCESS(null),
  PREVIEWED(StepState.PREVIEWED),
  PREVIEW_FAILED(StepState.FAILED),
  /**
   * Allowed leads to POLICY_CHECKED, denied to BLOCKED (recorded next): see {@link PolicyStage}.
   */
  POLICY(null),
  AWAITING_APPROVAL(StepState.AWAITING_APPROVAL),
  PRE_APPROVED(StepState.APPROVED),
  APPROVAL(null),
  APPROVAL_REPEATED(null),
  /** A batch statement arrived: its digest, the approver, and which entries were this task's. */
  BATCH(null),
  REFUSED(null),
  REJECTED(StepState.REJECTED),
  EXPIRED(StepState.EXPIRED),
  APPROVED(StepState.APPROVED),
  /**
   * Allowed leads to POLICY_RECHECKED, denied to BLOCKED (recorded next): see {@link PolicyStage}.
   */
  POLICY_RECHECK(null),
  EXECUTING(StepState.EXECUTING),
  EXECUTED(StepState.VERIFYING),
  EXECUTION_FAILED(StepState.FAILED),
  VERIFIED(StepState.VERIFIED),
  VERIFICATION_FAILED(StepState.VERIFICATION_FAILED),
  BLOCKED(StepState.BLOCKED),
  SKIPPED(StepState.SKIPPED),
  HALTED(null),
  NO_ROLLBACK(null),
  ROLLBACK_PROPOSED(null),
  FINISH_REQUESTED(null),
  IDLE_TIMEOUT(null),
  CONTINUED_AS_NEW(null),
  COMPLETED(null);

  private final StepState leadsTo;

  AuditKind(StepState leadsTo) {
    this.leadsTo = leadsTo;
  }

  /** The kind a recorded name stands for, or null for a name this version does not know. */
  public static AuditKind named(String name) {
    for (AuditKind k : values()) {
      if (k.name().equals(name)) {
        return k;
      }
    }
    return null;
  }

  /** The state of the step once this entry is recorded, or null when the entry does not move it. */
  public StepState leadsTo() {
    return leadsTo;
  }
}
