package io.interlock.worker.dev;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Starts the dev server's cluster: the simulated cluster seeded with the demo estate, as a child
 * process ({@link SimClusterProcess}), so nothing of the simulator is on the worker's classpath.
 * The worker's tests replace this bean to run it in-process.
 */
@ApplicationScoped
public class DevClusterStarter {
  /** Starts it, writing its kubeconfig, with {@code rolloutStep} between controller ticks. */
  public DevCluster start(Path kubeconfig, Duration rolloutStep) {
    return SimClusterProcess.start(
        SimClusterProcess.jar(),
        kubeconfig,
        "--seed",
        "demo",
        "--rollout-step",
        rolloutStep.toMillis() + "ms",
        // The dev server's cluster serves the Kubernetes API only, never the test endpoints.
        "--admin-endpoints",
        "off");
  }
}
