package io.interlock.activities;

import io.interlock.contract.activities.Look;
import io.interlock.contract.activities.LookActivities;
import io.interlock.contract.activities.LookRequest;
import io.interlock.contract.values.CallerText;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;

/**
 * The workflow worker's local look: the step's environment's own look (its cluster, its policy, its
 * credentials) when this process serves that environment, so an agent's read or proposal skips the
 * task queue round trip; for any other environment it refuses at once and the gate sends the look
 * to that environment's queue, where only a worker holding its credentials takes it.
 */
public final class ServedLooks implements LookActivities {
  private final Map<String, LookActivities> byEnvironment;

  public ServedLooks(Map<String, LookActivities> byEnvironment) {
    this.byEnvironment = Map.copyOf(byEnvironment);
  }

  @Override
  public Look look(LookRequest request) {
    LookActivities served = byEnvironment.get(request.environment());
    if (served == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "this worker does not serve environment '"
              + CallerText.shown(request.environment())
              + "'; its queue does",
          NOT_SERVED_HERE);
    }
    return served.look(request);
  }
}
