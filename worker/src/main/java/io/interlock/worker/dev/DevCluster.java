package io.interlock.worker.dev;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;

/** The dev server's cluster, however it runs: where it is and how to talk to it. */
public interface DevCluster extends AutoCloseable {
  /** The API server URL, e.g. {@code http://127.0.0.1:41234}. */
  String url();

  /** The kubeconfig naming it (kubectl and the workers read it). */
  Path kubeconfig();

  /** A new client of this cluster the caller closes; it never reads ~/.kube/config. */
  KubernetesClient newClient();

  @Override
  void close();
}
