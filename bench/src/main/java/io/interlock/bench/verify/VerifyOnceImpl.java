package io.interlock.bench.verify;

import io.interlock.contract.activities.ToolActivities;
import io.interlock.contract.activities.VerifyRequest;
import io.interlock.contract.values.Verification;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** The verify activity with the gate's own options (GateActivities.verifier). */
public class VerifyOnceImpl implements VerifyOnce {
  private final ToolActivities tools =
      Workflow.newActivityStub(
          ToolActivities.class,
          ActivityOptions.newBuilder()
              .setTaskQueue(VerifyAtScaleBenchmark.QUEUE)
              .setStartToCloseTimeout(Duration.ofSeconds(60 + 60))
              .setHeartbeatTimeout(Duration.ofSeconds(60))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(2).build())
              .build());

  @Override
  public Verification verify(VerifyRequest request) {
    return tools.verify(request);
  }
}
