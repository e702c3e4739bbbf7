package io.interlock.contract.values;

import java.util.EnumSet;
import java.util.Set;

/** Step lifecycle (ARCHITECTURE.md). SKIPPED marks queued steps a halt stopped from running. */
public enum StepState {
  PROPOSED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  PREVIEWED,
  POLICY_CHECKED,
  BLOCKED,
  AWAITING_APPROVAL,
  REJECTED,
  EXPIRED,
  APPROVED,
  POLICY_RECHECKED,
  EXECUTING,
  VERIFYING,
  VERIFIED,
  VERIFICATION_FAILED,
  SKIPPED;

  private static final Set<StepState> HALTING =
      EnumSet.of(BLOCKED, REJECTED, EXPIRED, FAILED, VERIFICATION_FAILED);
  private static final Set<StepState> FINAL =
      EnumSet.of(
          SUCCEEDED, FAILED, BLOCKED, REJECTED, EXPIRED, VERIFIED, VERIFICATION_FAILED, SKIPPED);

  /** A state after which later steps do not run until a new proposal arrives. */
  public boolean halts() {
    return HALTING.contains(this);
  }

  public boolean isFinal() {
    return FINAL.contains(this);
  }
}
