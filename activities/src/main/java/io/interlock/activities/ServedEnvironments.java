package io.interlock.activities;

import io.interlock.contract.activities.Look;
import io.interlock.contract.activities.LookActivities;
import io.interlock.contract.activities.LookRequest;
import io.interlock.contract.activities.NotServedHere;
import io.interlock.contract.activities.PolicyActivities;
import io.interlock.contract.activities.PolicyCheck;
import io.interlock.contract.activities.RequesterCheck;
import io.interlock.contract.activities.RequesterIdentity;
import io.interlock.contract.values.PolicyDecision;
import java.util.Map;

/**
 * The workflow worker's local activities: a step's look and policy checks, run by the step's
 * environment's own activities (its cluster, its policy, its credentials) when this process serves
 * that environment, so reads, proposals and re-checks skip the task-queue round trip. For any other
 * environment it answers {@link NotServedHere} at once and the gate sends the call to that
 * environment's queue. Nothing here writes: executions and verifications always use the queue.
 */
public final class ServedEnvironments implements LookActivities, PolicyActivities {
  /** One served environment's observing activities. */
  public record Served(LookActivities look, PolicyActivities policy) {}

  private final Map<String, Served> byEnvironment;

  public ServedEnvironments(Map<String, Served> byEnvironment) {
    this.byEnvironment = Map.copyOf(byEnvironment);
  }

  @Override
  public Look look(LookRequest request) {
    return served(request.environment()).look().look(request);
  }

  @Override
  public PolicyDecision check(PolicyCheck check) {
    return served(check.environment()).policy().check(check);
  }

  @Override
  public RequesterIdentity identify(RequesterCheck check) {
    return served(check.environment()).policy().identify(check);
  }

  private Served served(String environment) {
    Served s = environment == null ? null : byEnvironment.get(environment);
    if (s == null) {
      throw NotServedHere.failure(environment);
    }
    return s;
  }
}
