package io.interlock.gate;

import io.interlock.contract.activities.ExecuteRequest;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.ToolActivities;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;

/**
 * A network that loses the first answer of every write: the write reaches the API server, the
 * worker never hears back, and Temporal retries the activity.
 */
final class LostAnswer extends ForwardingToolActivities {
  LostAnswer(ToolActivities real) {
    super(real);
  }

  @Override
  public Execution execute(ExecuteRequest request) {
    Execution done = real.execute(request);
    if (Activity.getExecutionContext().getInfo().getAttempt() == 1) {
      throw ApplicationFailure.newFailure(
          "connection reset: the answer of " + request.stepId() + " was lost", "LOST");
    }
    return done;
  }
}
