package io.interlock.bench.engine;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;

/** When the API server's copy of one Deployment reached a replica count, seen by a watch. */
final class ReplicasWatch implements AutoCloseable {
  private final Object changed = new Object();
  private final Watch watch;
  private int replicas = -1;
  private long seenAt;

  private ReplicasWatch(KubernetesClient k8s, String namespace, String name) {
    this.watch =
        k8s.apps()
            .deployments()
            .inNamespace(namespace)
            .withName(name)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Deployment d) {
                    long now = System.nanoTime();
                    synchronized (changed) {
                      int r = d.getSpec() == null ? -1 : d.getSpec().getReplicas();
                      if (r != replicas) {
                        replicas = r;
                        seenAt = now;
                      }
                      changed.notifyAll();
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  static ReplicasWatch of(KubernetesClient k8s, String namespace, String name) {
    return new ReplicasWatch(k8s, namespace, name);
  }

  /** The System.nanoTime() at which the watch first saw {@code wanted} replicas. */
  long awaitReplicas(int wanted, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    synchronized (changed) {
      while (replicas != wanted) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              "the Deployment never reached " + wanted + " replicas (last seen " + replicas + ")");
        }
        changed.wait(Math.max(1, left / 1_000_000));
      }
      return seenAt;
    }
  }

  @Override
  public void close() {
    watch.close();
  }
}
