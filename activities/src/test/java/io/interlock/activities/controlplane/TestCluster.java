package io.interlock.activities.controlplane;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * One of the two clusters the catalog suite runs on: the simulated cluster or the real control
 * plane. The tools act through {@link #tools()}; fixtures and inspection go through {@link
 * #fixtures()}, whose writes are never counted.
 */
public interface TestCluster extends AutoCloseable {
  /** "simulated" or "real", for test names. */
  String name();

  /** The namespace this test owns. */
  String namespace();

  /** Seeds and inspects; its writes are not counted. */
  KubernetesClient fixtures();

  /** The identity the tools act as. */
  KubernetesClient tools();

  /**
   * Writes the cluster persisted for {@link #tools()} since {@link #startCounting()} (verb and
   * path).
   */
  List<String> mutations();

  /** Forget what was written so far (after seeding). */
  void startCounting();

  /** Let controllers act until Deployment {@code name} has rolled out its current template. */
  void rolledOut(String name);

  @Override
  void close();
}
