package io.interlock.contract.activities;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;

/**
 * The answer of a local activity (a look, a policy check) on a workflow worker that does not serve
 * the step's environment: the gate then sends the same call to {@code interlock-env-<environment>},
 * where only a worker holding that environment's credentials takes it.
 */
public final class NotServedHere {
  public static final String TYPE = "NOT_SERVED_HERE";

  private NotServedHere() {}

  public static ApplicationFailure failure(String environment) {
    return ApplicationFailure.newNonRetryableFailure(
        "this worker does not serve environment '"
            + io.interlock.contract.values.CallerText.shown(environment)
            + "'; its queue does",
        TYPE);
  }

  public static boolean is(ActivityFailure f) {
    return f.getCause() instanceof ApplicationFailure af && TYPE.equals(af.getType());
  }
}
