package io.interlock.worker.environments;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.interlock.activities.policy.ClusterRef;
import io.interlock.activities.policy.CredentialRef;
import io.interlock.activities.policy.EnvironmentPolicy;
import io.interlock.activities.policy.Impersonation;
import io.interlock.worker.config.InterlockConfig;
import io.interlock.worker.dev.DevStack;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Kubernetes client per served environment, built only here, from the credential reference the
 * policy names (or this worker's {@code interlock.env.<E>.*} override). Dev mode points every
 * environment at the simulated cluster.
 */
@ApplicationScoped
public class ClusterClients {
  private final InterlockConfig config;
  private final PolicyView policy;
  private final DevStack dev;
  private final Map<String, KubernetesClient> clients = new ConcurrentHashMap<>();

  public ClusterClients(InterlockConfig config, PolicyView policy, DevStack dev) {
    this.config = config;
    this.policy = policy;
    this.dev = dev;
  }

  public KubernetesClient of(String environment) {
    return clients.computeIfAbsent(environment, this::build);
  }

  /** Where the environment's writes go, in words (for the banner and GET /api/environments). */
  public String describe(String environment) {
    if (usesSimulated(environment)) {
      return "simulated cluster " + dev.cluster().url();
    }
    InterlockConfig.EnvironmentConfig override = config.env().get(environment);
    if (override != null && override.context().isPresent()) {
      return "kubeconfig context " + override.context().get();
    }
    return policy.environment(environment).map(e -> e.cluster().describe()).orElse("unknown");
  }

  private boolean usesSimulated(String environment) {
    if (config.mode() == InterlockConfig.Mode.dev) {
      return true;
    }
    InterlockConfig.EnvironmentConfig override = config.env().get(environment);
    if (override != null && (override.context().isPresent() || override.kubeconfig().isPresent())) {
      return false;
    }
    return policy.environment(environment).map(e -> e.cluster().simulated()).orElse(false);
  }

  private KubernetesClient build(String environment) {
    if (usesSimulated(environment)) {
      // The simulator's own client: a fresh one per environment, never ~/.kube/config.
      return dev.cluster().newClient();
    }
    EnvironmentPolicy env =
        policy
            .environment(environment)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "environment '" + environment + "' is not in the policy"));
    InterlockConfig.EnvironmentConfig override = config.env().get(environment);
    ClusterRef cluster = env.cluster();
    String context =
        override != null && override.context().isPresent()
            ? override.context().get()
            : cluster.kubeconfigContext();
    Config k8s;
    if (cluster.inCluster() && (override == null || override.context().isEmpty())) {
      k8s = Config.autoConfigure(null);
    } else {
      String kubeconfig = kubeconfigContents(environment, override, env.credentials());
      k8s =
          kubeconfig == null
              ? Config.autoConfigure(context)
              : Config.fromKubeconfig(context, kubeconfig, null);
    }
    Impersonation imp = env.impersonation();
    if (imp != null) {
      k8s.setImpersonateUsername(imp.user());
      k8s.setImpersonateGroups(imp.groups().toArray(String[]::new));
    }
    return new KubernetesClientBuilder().withConfig(k8s).build();
  }

  /** Resolves the credential reference; its value never leaves this worker. */
  private static String kubeconfigContents(
      String environment, InterlockConfig.EnvironmentConfig override, CredentialRef ref) {
    try {
      if (override != null && override.kubeconfig().isPresent()) {
        return Files.readString(Path.of(override.kubeconfig().get()));
      }
      if (ref == null) {
        return null;
      }
      return switch (ref.scheme()) {
        case "file" -> Files.readString(Path.of(ref.name()));
        case "env" -> {
          String v = System.getenv(ref.name());
          if (v == null) {
            throw new IllegalStateException(
                "environment '"
                    + environment
                    + "' needs credential "
                    + ref.ref()
                    + " but the variable "
                    + ref.name()
                    + " is not set on this worker");
          }
          // The variable holds either a kubeconfig path or the kubeconfig itself.
          yield v.contains("apiVersion") || v.contains("clusters:")
              ? v
              : Files.readString(Path.of(v));
        }
        default ->
            throw new IllegalStateException(
                "unknown credential scheme in " + ref.ref() + " (use env: or file:)");
      };
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the kubeconfig of environment '" + environment + "': " + e.getMessage(), e);
    }
  }

  @PreDestroy
  void close() {
    clients.values().forEach(KubernetesClient::close);
  }
}
