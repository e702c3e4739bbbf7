package io.interlock.gate;

import io.interlock.activities.policy.LockReader;
import io.interlock.activities.policy.PolicyActivitiesImpl;
import io.interlock.activities.policy.PolicyFile;
import io.interlock.activities.policy.SelfSubjectAccessReviewer;
import io.interlock.simcluster.SimulatedCluster;
import io.temporal.client.WorkflowClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** The real collaborators of the gate, configured for fast tests. */
final class GateFixtures {
  private GateFixtures() {}

  static SimulatedCluster startCluster() {
    SimulatedCluster cluster =
        SimulatedCluster.builder().rolloutStepDelay(Duration.ofMillis(50)).start();
    cluster.seedDemo();
    cluster.resetMutations();
    return cluster;
  }

  static PolicyActivitiesImpl policy(
      Path file, Clock clock, String environment, SimulatedCluster cluster, WorkflowClient client) {
    return new PolicyActivitiesImpl(
        PolicyFile.load(file),
        environment,
        clock,
        LockReader.temporal(client),
        new SelfSubjectAccessReviewer(cluster.client()));
  }
}
