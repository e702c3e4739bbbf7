package io.interlock.activities.k8s.write;

import static io.interlock.activities.k8s.Fixtures.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.activities.k8s.Fixtures;
import io.interlock.activities.k8s.KubernetesCatalog;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.Preview;
import io.interlock.simcluster.SimulatedCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("k8s.set-image")
class SetImageToolTest {
  SimulatedCluster cluster;
  KubernetesClient client;
  ToolContext ctx;
  final SetImageTool tool = new SetImageTool();

  @BeforeEach
  void seed() {
    cluster = SimulatedCluster.builder().runController(false).start();
    client = cluster.client();
    ctx = Fixtures.context(client);
    Fixtures.create(client, Fixtures.deployment("shop", "web", 2, "nginx:1.25"));
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  String image() {
    return client
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
        .getImage();
  }

  @Test
  @DisplayName(
      "given a one-container Deployment, preview should name the old and new image and diff the template")
  void previewDiffs() {
    long mutations = cluster.mutations();

    Preview p = tool.preview(ctx, args("namespace", "shop", "name", "web", "image", "nginx:1.26"));

    assertThat(p.summary())
        .isEqualTo("set-image Deployment shop/web container web nginx:1.25 -> nginx:1.26");
    assertThat(p.diff()).contains("-      - image: nginx:1.25", "+      - image: nginx:1.26");
    assertThat(cluster.mutations()).isEqualTo(mutations);
    assertThat(image()).isEqualTo("nginx:1.25");
  }

  @Test
  @DisplayName(
      "given an approved preview, execute then rollback should set the image and restore the previous one")
  void executeAndRollBack() {
    ToolArgs a =
        args("namespace", "shop", "name", "web", "container", "web", "image", "nginx:1.26");
    Execution e = tool.execute(ctx, a, tool.preview(ctx, a).target());
    assertThat(image()).isEqualTo("nginx:1.26");

    RollbackPlan plan = tool.rollback(a, e);

    assertThat(plan.call().args())
        .containsEntry("image", "nginx:1.25")
        .containsEntry("container", "web");
    assertThat(KubernetesCatalog.registry().resolve(plan.call()).problems()).isEmpty();
    ToolArgs back = new ToolArgs(plan.call().args());
    tool.execute(ctx, back, tool.preview(ctx, back).target());
    assertThat(image()).isEqualTo("nginx:1.25");
  }

  @Test
  @DisplayName(
      "given two containers and none named, or an unknown container, preview should fail INVALID_ARGS naming the containers")
  void containerMustBeNamed() {
    Deployment two = Fixtures.deployment("shop", "api", 1, "api:1");
    two.getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .add(
            new io.fabric8.kubernetes.api.model.ContainerBuilder()
                .withName("sidecar")
                .withImage("envoy:1")
                .build());
    Fixtures.create(client, two);
    long mutations = cluster.mutations();

    assertThatThrownBy(
            () -> tool.preview(ctx, args("namespace", "shop", "name", "api", "image", "api:2")))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("[api, sidecar]")
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.INVALID_ARGS);
    assertThatThrownBy(
            () ->
                tool.preview(
                    ctx,
                    args("namespace", "shop", "name", "api", "container", "nope", "image", "x:1")))
        .hasMessageContaining("no container 'nope'");
    assertThat(cluster.mutations()).isEqualTo(mutations);
  }
}
