package io.interlock.activities.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.simcluster.SimulatedCluster;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName(
    "The real kubectl works against the simulated cluster: get, describe, rollout status/history/undo, scale, server-side apply")
class KubectlCompatibilityTest {

  private static final Duration LIMIT = Duration.ofSeconds(30);
  @TempDir static Path dir;
  private static SimulatedCluster cluster;
  private static Kubectl kubectl;

  @BeforeAll
  static void start() {
    Kubectl.binary();
    cluster =
        SimulatedCluster.builder()
            .rolloutStepDelay(Duration.ofMillis(100))
            .progressDeadlineScale(0.005)
            .start()
            .seedDemo();
    kubectl = new Kubectl(cluster.writeKubeconfig(dir.resolve("kubeconfig")));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  @DisplayName(
      "given the demo seed, kubectl get and describe should list and describe the shop workloads")
  void givenSeed_getAndDescribeShouldWork() {
    Kubectl.Result get = kubectl.run(LIMIT, "get", "deploy", "-n", "shop");
    Kubectl.Result shortNames = kubectl.run(LIMIT, "get", "sts,ds,po,cm,svc,rs", "-A");
    Kubectl.Result describe = kubectl.run(LIMIT, "describe", "deploy", "web", "-n", "shop");

    assertThat(get.exitCode()).as(get.output()).isZero();
    assertThat(get.output()).contains("web").contains("api");
    assertThat(shortNames.exitCode()).as(shortNames.output()).isZero();
    assertThat(shortNames.output()).contains("db").contains("log-agent").contains("web-config");
    assertThat(describe.exitCode()).as(describe.output()).isZero();
    assertThat(describe.output()).contains("nginx:1.25").contains("NewReplicaSetAvailable");
  }

  @Test
  @DisplayName(
      "given a healthy image change, kubectl rollout status should succeed and rollout history should list two revisions")
  void givenHealthyRollout_statusShouldSucceed() {
    Kubectl.Result set =
        kubectl.run(LIMIT, "set", "image", "deploy/web", "web=nginx:1.26", "-n", "shop");
    Kubectl.Result status = kubectl.rolloutStatus("shop", "deploy/web", Duration.ofSeconds(20));
    Kubectl.Result history = kubectl.run(LIMIT, "rollout", "history", "deploy/web", "-n", "shop");

    assertThat(set.exitCode()).as(set.output()).isZero();
    assertThat(status.exitCode()).as(status.output()).isZero();
    assertThat(status.output()).contains("successfully rolled out");
    assertThat(history.output()).containsPattern("(?m)^1\\s").containsPattern("(?m)^2\\s");

    Kubectl.Result undo = kubectl.run(LIMIT, "rollout", "undo", "deploy/web", "-n", "shop");
    Kubectl.Result undone = kubectl.rolloutStatus("shop", "deploy/web", Duration.ofSeconds(20));
    assertThat(undo.exitCode()).as(undo.output()).isZero();
    assertThat(undone.exitCode()).as(undone.output()).isZero();
    assertThat(
            cluster
                .client()
                .apps()
                .deployments()
                .inNamespace("shop")
                .withName("web")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("nginx:1.25");
    assertThat(
            cluster
                .client()
                .apps()
                .replicaSets()
                .inNamespace("shop")
                .withLabel("app", "web")
                .list()
                .getItems())
        .as("undo reuses the revision-1 ReplicaSet")
        .hasSize(2);
  }

  @Test
  @DisplayName(
      "given a crash-looping image, kubectl rollout status should fail with the progress deadline exceeded")
  void givenCrashloop_statusShouldFail() {
    kubectl.run(
        LIMIT,
        "set",
        "image",
        "deploy/ledger",
        "ledger=ghcr.io/example/ledger:crashloop",
        "-n",
        "payments");

    Kubectl.Result status =
        kubectl.rolloutStatus("payments", "deploy/ledger", Duration.ofSeconds(20));

    assertThat(status.exitCode()).as(status.output()).isNotZero();
    assertThat(status.output()).contains("exceeded its progress deadline");
  }

  @Test
  @DisplayName(
      "given kubectl scale and apply --server-side, should change the object and count each as one mutation")
  void givenScaleAndServerSideApply_shouldMutateOnce() {
    cluster.resetMutations();
    Kubectl.Result scale = kubectl.run(LIMIT, "scale", "deploy/api", "--replicas=2", "-n", "shop");
    Path manifest = dir.resolve("cm.yaml");
    try {
      java.nio.file.Files.writeString(
          manifest,
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied-by-kubectl, namespace: shop}\ndata: {a: '1'}\n");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Kubectl.Result apply = kubectl.run(LIMIT, "apply", "--server-side", "-f", manifest.toString());
    Kubectl.Result dryRun =
        kubectl.run(LIMIT, "delete", "cm", "applied-by-kubectl", "-n", "shop", "--dry-run=server");

    assertThat(scale.exitCode()).as(scale.output()).isZero();
    assertThat(apply.exitCode()).as(apply.output()).isZero();
    assertThat(dryRun.exitCode()).as(dryRun.output()).isZero();
    assertThat(
            cluster
                .client()
                .apps()
                .deployments()
                .inNamespace("shop")
                .withName("api")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(2);
    assertThat(
            cluster.client().configMaps().inNamespace("shop").withName("applied-by-kubectl").get())
        .isNotNull();
    assertThat(cluster.mutationLog())
        .containsExactly(
            "PATCH /apis/apps/v1/namespaces/shop/deployments/api/scale",
            "PATCH /api/v1/namespaces/shop/configmaps/applied-by-kubectl");
  }
}
