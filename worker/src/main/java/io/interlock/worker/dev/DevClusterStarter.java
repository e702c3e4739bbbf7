package io.interlock.worker.dev;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;

/**
 * Starts the dev server's cluster: the simulated cluster seeded with the demo estate, as a child
 * process ({@link SimClusterProcess}), so nothing of the simulator is on the worker's classpath.
 * The worker's tests replace this bean to run it in-process.
 */
@ApplicationScoped
public class DevClusterStarter {
  public DevCluster start(Path kubeconfig) {
    return SimClusterProcess.start(
        SimClusterProcess.jar(),
        kubeconfig,
        "--seed",
        "demo",
        // The dev server's cluster serves the Kubernetes API only, never the test endpoints.
        "--admin-endpoints",
        "off");
  }
}
