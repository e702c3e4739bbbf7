package io.interlock.contract.values;

import io.interlock.contract.views.AuditEntry;
import io.interlock.contract.views.StepView;
import java.util.List;

/** State carried from one run to the next across continue-as-new (pending approvals included). */
public record TaskSnapshot(
    List<StepView> steps,
    List<AuditEntry> audit,
    int nextStepNumber,
    boolean finishRequested,
    String haltedBy,
    String taskId) {}
