package io.interlock.worker.dev;

import io.interlock.worker.config.InterlockConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.List;

/**
 * The pieces the dev mode embeds, each started on first use: the Temporal test server on 127.0.0.1
 * (unless {@code interlock.dev.temporal-target} names an external server) and the simulated cluster
 * seeded with the demo estate, a child process (its kubeconfig written to {@code
 * interlock.dev.kubeconfig-path} so kubectl works).
 */
@ApplicationScoped
public class DevStack {
  private final InterlockConfig config;
  private final DevClusterStarter clusters;
  private EmbeddedTemporal temporal;
  private DevCluster cluster;
  private Path keys;

  public DevStack(InterlockConfig config, DevClusterStarter clusters) {
    this.config = config;
    this.clusters = clusters;
  }

  /**
   * Where dev mode's Temporal server is: the external one if configured, else the embedded one
   * (started now).
   */
  public synchronized String temporalTarget() {
    if (usesExternalTemporal()) {
      keys();
      return config.dev().temporalTarget().get().trim();
    }
    return temporal().target();
  }

  public boolean usesExternalTemporal() {
    return config.dev().temporalTarget().filter(t -> !t.isBlank()).isPresent();
  }

  public synchronized EmbeddedTemporal temporal() {
    if (config.mode() != InterlockConfig.Mode.dev) {
      throw new IllegalStateException("the embedded Temporal server runs only in dev mode");
    }
    if (usesExternalTemporal()) {
      throw new IllegalStateException(
          "interlock.dev.temporal-target is set: dev mode uses that server, not the embedded one");
    }
    if (temporal == null) {
      keys();
      temporal = new EmbeddedTemporal(config.dev().temporalPort());
    }
    return temporal;
  }

  /** The demo users' SSH keys and the API's and audit's JWKs, made once (see {@link DemoKeys}). */
  public synchronized Path keys() {
    if (keys == null) {
      List<String> humans =
          config.dev().tokens().values().stream()
              .filter(u -> !u.startsWith("agent:"))
              .sorted()
              .distinct()
              .toList();
      keys = DemoKeys.ensure(Path.of(config.dev().keysDir()), humans);
    }
    return keys;
  }

  public synchronized DevCluster cluster() {
    if (cluster == null) {
      cluster = clusters.start(Path.of(config.dev().kubeconfigPath()), config.dev().rolloutStep());
    }
    return cluster;
  }

  /** Where the simulated cluster's kubeconfig was written, or null before the cluster started. */
  public synchronized Path kubeconfig() {
    return cluster == null ? null : cluster.kubeconfig();
  }

  public synchronized boolean temporalRunning() {
    return temporal != null;
  }

  public synchronized boolean clusterRunning() {
    return cluster != null;
  }

  @PreDestroy
  synchronized void close() {
    if (cluster != null) {
      cluster.close();
    }
    if (temporal != null) {
      temporal.close();
    }
  }
}
