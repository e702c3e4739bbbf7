package io.interlock.contract.values;

import io.interlock.contract.activities.RequesterIdentity;
import io.interlock.contract.views.StepView;
import java.util.List;

/**
 * Internal: state carried from one run to the next across continue-as-new (pending approvals
 * included). It travels in the new run's memo, and a run accepts it only when the server says the
 * run is a continuation of this workflow: no client can supply it. The audit trail is not carried:
 * it lives in the history's markers, and {@code auditSeq} keeps the numbering gap-free.
 */
public record TaskSnapshot(
    List<StepView> steps,
    long auditSeq,
    int nextStepNumber,
    boolean finishRequested,
    String haltedBy,
    String taskId,
    RequesterIdentity requester) {
  /** The memo key it travels under. */
  public static final String MEMO = "interlock.carried";
}
