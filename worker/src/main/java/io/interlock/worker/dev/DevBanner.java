package io.interlock.worker.dev;

import io.interlock.worker.config.InterlockConfig;
import io.interlock.worker.environments.ClusterClients;
import io.interlock.worker.environments.PolicyView;
import io.interlock.worker.temporal.TemporalConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** What is running, where, and an example to paste: printed once the server is up. */
@ApplicationScoped
public class DevBanner {
  private final InterlockConfig config;
  private final DevStack dev;
  private final PolicyView policy;
  private final ClusterClients clusters;
  private final TemporalConnection temporal;
  private final int httpPort;
  private final String httpHost;

  public DevBanner(
      InterlockConfig config,
      DevStack dev,
      PolicyView policy,
      ClusterClients clusters,
      TemporalConnection temporal,
      @ConfigProperty(name = "quarkus.http.port") int httpPort,
      @ConfigProperty(name = "quarkus.http.host") String httpHost) {
    this.config = config;
    this.dev = dev;
    this.policy = policy;
    this.clusters = clusters;
    this.temporal = temporal;
    this.httpPort = httpPort;
    this.httpHost = httpHost;
  }

  public void print() {
    System.out.println(text());
    System.out.flush();
  }

  public String text() {
    String host = httpHost.equals("0.0.0.0") ? "localhost" : httpHost;
    String api = "http://" + host + ":" + httpPort;
    StringBuilder b = new StringBuilder();
    boolean isDev = config.mode() == InterlockConfig.Mode.dev;
    b.append('\n')
        .append(
            !isDev
                ? "Interlock worker is up (server mode)."
                : dev.usesExternalTemporal()
                    ? "Interlock dev server is up, on the external Temporal server below (tasks live there); Ctrl-C stops it."
                    : "Interlock dev server is up. Everything runs here (the simulated cluster as a child process), state is in memory; Ctrl-C stops it.")
        .append("\n\n");
    line(b, "Web page", api + "/");
    line(b, "REST API", api + "/api   (OpenAPI: " + api + "/q/openapi)");
    line(b, "MCP", api + "/mcp   (streamable HTTP; agent token e.g. dev-incident-bot)");
    line(
        b,
        "Temporal",
        temporal.target()
            + "  namespace "
            + config.temporal().namespace()
            + (!isDev
                ? ""
                : dev.usesExternalTemporal()
                    ? "  (external Temporal server)"
                    : "  (Temporal Java test server, embedded)"));
    line(
        b,
        "Task queues",
        "interlock-tasks, "
            + String.join(", ", policy.served().stream().map(e -> "interlock-env-" + e).toList()));
    for (String env : policy.served()) {
      line(b, "  " + env, clusters.describe(env));
    }
    if (dev.clusterRunning()) {
      line(
          b,
          "kubeconfig",
          dev.kubeconfig()
              + "   (the simulated cluster: a fabric8 mock API server plus a"
              + " simulated controller, not a real cluster)");
      line(b, "", "KUBECONFIG=" + dev.kubeconfig() + " kubectl get deployments -n shop");
    }
    line(
        b,
        "Policy",
        policy.file().source() + "  version " + policy.file().version().substring(0, 19) + "...");
    if (isDev) {
      Map<String, String> byUser = new TreeMap<>();
      config.dev().tokens().forEach((token, user) -> byUser.put(user, token));
      config.auth().tokens().forEach((token, user) -> byUser.put(user, token));
      StringBuilder t = new StringBuilder();
      byUser.forEach((user, token) -> t.append(user).append('=').append(token).append("  "));
      line(b, "Tokens (dev)", t.toString().trim());
      line(
          b,
          "Keys (dev)",
          dev.keys()
              + "   (demo SSH keys alice_ed25519 ... dave_ed25519,"
              + " allowed_signers, the API's and the audit's JWKs)");
      b.append(example(api));
    }
    return b.toString();
  }

  private String example(String api) {
    String tcli =
        "temporal workflow signal --address "
            + temporal.target()
            + " --namespace "
            + config.temporal().namespace();
    return """

        Try it: an agent asks for three writes in staging; approve them three different ways.

          # 1. The agent (token dev-incident-bot) starts a task with a plan of three writes:
          curl -s -X POST %1$s/api/tasks -H 'Authorization: Bearer dev-incident-bot' \\
            -H 'Content-Type: application/json' -d '{"taskId":"demo-1","environment":"staging",
            "goal":"absorb the traffic spike","steps":[
            {"tool":"k8s.scale","args":{"namespace":"shop","name":"web","replicas":4}},
            {"tool":"k8s.scale","args":{"namespace":"shop","name":"api","replicas":5}},
            {"tool":"k8s.set-image","args":{"namespace":"shop","name":"web","image":"nginx:1.27"}}]}'

          # 2. What waits: the exact call, the diff, the policy decision, the deadline, the callHash,
          #    and the three approval commands below with the hash filled in:
          ./interlock show demo-1 --server %1$s

          # 3a. s1 with the Temporal CLI: a raw signal whose JSON carries alice's SSH signature over
          #     exactly this task, step, hash and decision (a bare name is refused):
          %2$s \\
            --workflow-id demo-1 --name approve \\
            --input "$(./interlock sign demo-1 s1 --as alice --key %4$s/alice_ed25519 --token dev-alice --server %1$s)"

          # 3b. s2 with our CLI as bob (it shows the call and asks to confirm):
          INTERLOCK_TOKEN=dev-bob ./interlock approve demo-1 s2 --server %1$s

          # 3c. s3 with curl as alice:
          curl -s -X POST %1$s/api/tasks/demo-1/steps/s3/approve -H 'Authorization: Bearer dev-alice' \\
            -H 'Content-Type: application/json' -d '{"callHash":"<callHash of s3>"}'

          # 4. The result in the (simulated) cluster, and the audit record from the history alone:
          KUBECONFIG=%3$s kubectl get deployments -n shop
          ./interlock audit demo-1 --format md --server %1$s

        """
        .formatted(api, tcli, dev.kubeconfig(), dev.keys());
  }

  private static void line(StringBuilder b, String label, String value) {
    b.append(String.format("  %-13s %s%n", label, value));
  }
}
