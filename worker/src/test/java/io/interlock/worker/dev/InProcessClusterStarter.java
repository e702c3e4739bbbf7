package io.interlock.worker.dev;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.simcluster.SimulatedCluster;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The tests' dev cluster: the simulated cluster in this JVM (the dev server runs it as a child
 * process), so a test counts its mutations and reads its objects directly.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class InProcessClusterStarter extends DevClusterStarter {
  @Override
  public DevCluster start(Path kubeconfig, Duration rolloutStep) {
    SimulatedCluster cluster =
        SimulatedCluster.builder().rolloutStepDelay(rolloutStep).start().seedDemo();
    return new InProcess(cluster, cluster.writeKubeconfig(kubeconfig));
  }

  /** The simulated cluster behind a test's dev stack. */
  public static SimulatedCluster of(DevStack dev) {
    return ((InProcess) dev.cluster()).cluster();
  }

  record InProcess(SimulatedCluster cluster, Path kubeconfig) implements DevCluster {
    @Override
    public String url() {
      return cluster.url();
    }

    @Override
    public KubernetesClient newClient() {
      return cluster.newClient();
    }

    @Override
    public void close() {
      cluster.close();
    }
  }
}
