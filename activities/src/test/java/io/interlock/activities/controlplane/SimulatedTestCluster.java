package io.interlock.activities.controlplane;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.simcluster.SimulatedCluster;
import java.util.List;

/** The simulated cluster, its controller stepped only when a test waits for a rollout. */
public final class SimulatedTestCluster implements TestCluster {
  private final SimulatedCluster cluster = SimulatedCluster.builder().runController(false).start();

  @Override
  public String name() {
    return "simulated";
  }

  @Override
  public String namespace() {
    return "shop";
  }

  @Override
  public KubernetesClient fixtures() {
    return cluster.client();
  }

  @Override
  public KubernetesClient tools() {
    return cluster.client();
  }

  @Override
  public List<String> mutations() {
    return cluster.mutationLog();
  }

  @Override
  public void startCounting() {
    cluster.resetMutations();
  }

  @Override
  public void rolledOut(String name) {
    cluster.settle(200);
  }

  @Override
  public void close() {
    cluster.close();
  }

  @Override
  public String toString() {
    return name();
  }
}
