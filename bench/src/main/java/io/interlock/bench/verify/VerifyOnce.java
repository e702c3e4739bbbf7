package io.interlock.bench.verify;

import io.interlock.contract.activities.VerifyRequest;
import io.interlock.contract.values.Verification;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** The smallest workflow that verifies one write: what a gated step does after it executed. */
@WorkflowInterface
public interface VerifyOnce {
  @WorkflowMethod
  Verification verify(VerifyRequest request);
}
