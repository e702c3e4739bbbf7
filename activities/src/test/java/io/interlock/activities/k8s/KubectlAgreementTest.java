package io.interlock.activities.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.activities.k8s.read.RolloutStatusTool;
import io.interlock.activities.kubectl.Kubectl;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import io.interlock.simcluster.SimulatedCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real {@code kubectl rollout status} and Interlock's verifier look at the same simulated
 * workloads and must reach the same verdict: done, or not done (failed / timed out).
 */
class KubectlAgreementTest {
  private static SimulatedCluster cluster;
  private static Kubectl kubectl;
  private static ToolContext ctx;

  @BeforeAll
  static void start() throws Exception {
    cluster = SimulatedCluster.builder().rolloutStepDelay(Duration.ofMillis(100)).start();
    cluster.seedDemo();
    Path kubeconfig =
        cluster.writeKubeconfig(Files.createTempDirectory("kubectl-agreement").resolve("config"));
    kubectl = new Kubectl(kubeconfig);
    ctx = new ToolContext("test", cluster.client(), Clock.systemUTC(), Duration.ofMillis(100));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @ParameterizedTest(name = "{0}: image {1}")
  @DisplayName(
      "kubectl rollout status and Interlock's verifier agree on healthy, crash-looping, never-ready and bad-image rollouts")
  @CsvSource({
    "healthy-same, nginx:1.25, true",
    "healthy-new, nginx:1.26, true",
    "crashloop, nginx:crashloop, false",
    "neverready, nginx:neverready, false",
    "badimage, nginx:badimage, false"
  })
  void agree(String name, String image, boolean expectDone) {
    String app = "agree-" + name;
    cluster.put(
        """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s","namespace":"shop"},
         "spec":{"replicas":2,"progressDeadlineSeconds":600,"selector":{"matchLabels":{"app":"%s"}},
          "template":{"metadata":{"labels":{"app":"%s"}},"spec":{"containers":[{"name":"main","image":"nginx:1.25"}]}}}}
        """
            .formatted(app, app, app));
    cluster.settle(50);
    cluster
        .client()
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName(app)
        .edit(
            d -> {
              d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
              return d;
            });

    Kubectl.Result k = kubectl.rolloutStatus("shop", "deploy/" + app, Duration.ofSeconds(25));
    JsonNode ours =
        new RolloutStatusTool().read(ctx, new ToolArgs(Map.of("namespace", "shop", "name", app)));

    assertThat(k.succeeded()).as("kubectl: %s", k.output()).isEqualTo(expectDone);
    assertThat(ours.get("done").asBoolean()).as("interlock: %s", ours).isEqualTo(k.succeeded());
    if (!expectDone) {
      assertThat(ours.get("status").asText()).as("interlock: %s", ours).isEqualTo("FAILED");
    }
  }
}
