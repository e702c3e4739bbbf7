package io.interlock.activities.k8s.write;

import static io.interlock.activities.k8s.Fixtures.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.activities.k8s.Fixtures;
import io.interlock.activities.k8s.KubernetesCatalog;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.Preview;
import io.interlock.simcluster.SimulatedCluster;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("k8s.scale")
class ScaleToolTest {
  SimulatedCluster cluster;
  KubernetesClient client;
  ToolContext ctx;
  final ScaleTool tool = new ScaleTool();

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

  ToolArgs scaleTo(int n) {
    return args("namespace", "shop", "name", "web", "replicas", n);
  }

  @Test
  @DisplayName(
      "given a Deployment with 2 replicas, preview of scale to 5 should summarise, diff and snapshot without mutating")
  void previewSummarisesAndDiffs() {
    String rv = Fixtures.resourceVersion(client, "shop", "web");
    long mutations = cluster.mutations();

    Preview p = tool.preview(ctx, scaleTo(5));

    assertThat(p.summary()).isEqualTo("scale Deployment shop/web replicas 2 -> 5");
    assertThat(p.diff())
        .contains("-  replicas: 2", "+  replicas: 5")
        .doesNotContain("managedFields", "resourceVersion");
    assertThat(p.target().kind()).isEqualTo("Deployment");
    assertThat(p.target().resourceVersion()).isEqualTo(rv);
    assertThat(p.target().uid()).isNotBlank();
    assertThat(p.target().exists()).isTrue();
    assertThat(p.dryRun()).contains("dry-run");
    assertThat(p.intended().at("/spec/replicas").asInt()).isEqualTo(5);
    assertThat(Fixtures.resourceVersion(client, "shop", "web")).isEqualTo(rv);
    assertThat(cluster.mutations()).isEqualTo(mutations);
  }

  @Test
  @DisplayName(
      "given an approved snapshot, execute should set replicas and return before, after and ISO times")
  void executeScales() {
    Preview p = tool.preview(ctx, scaleTo(5));

    Execution e = tool.execute(ctx, scaleTo(5), p.target());

    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace("shop")
                .withName("web")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(5);
    assertThat(e.before().at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(e.after().at("/spec/replicas").asInt()).isEqualTo(5);
    assertThat(Instant.parse(e.startedAt())).isBeforeOrEqualTo(Instant.parse(e.finishedAt()));
  }

  @Test
  @DisplayName(
      "given only the status moved after approval (a rollout, a controller), execute should still apply the approved change")
  void statusChurnIsNotAChange() {
    Preview p = tool.preview(ctx, scaleTo(5));
    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("web")
        .editStatus(
            d -> {
              d.setStatus(
                  new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                      .withObservedGeneration(99L)
                      .withReplicas(2)
                      .build());
              return d;
            });
    assertThat(Fixtures.resourceVersion(client, "shop", "web"))
        .isNotEqualTo(p.target().resourceVersion());

    tool.execute(ctx, scaleTo(5), p.target());

    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace("shop")
                .withName("web")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(5);
  }

  @Test
  @DisplayName(
      "given the Deployment changed after approval, execute should fail TARGET_CHANGED and leave it untouched")
  void changedAfterApprovalIsRefused() {
    Preview p = tool.preview(ctx, scaleTo(5));
    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("web")
        .edit(
            d -> {
              d.getSpec().setReplicas(3);
              return d;
            });
    String rv = Fixtures.resourceVersion(client, "shop", "web");

    assertThatThrownBy(() -> tool.execute(ctx, scaleTo(5), p.target()))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("target changed since approval")
        .hasMessageContaining("resourceVersion " + p.target().resourceVersion() + ", now " + rv)
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.TARGET_CHANGED);
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace("shop")
                .withName("web")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(3);
    assertThat(Fixtures.resourceVersion(client, "shop", "web")).isEqualTo(rv);
  }

  @Test
  @DisplayName("given no such Deployment, preview should fail NOT_FOUND")
  void missingIsNotFound() {
    assertThatThrownBy(
            () -> tool.preview(ctx, args("namespace", "shop", "name", "nope", "replicas", 1)))
        .isInstanceOf(ToolException.class)
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.NOT_FOUND);
  }

  @Test
  @DisplayName(
      "given out-of-range replicas or a wrong kind, the catalog should refuse the call before it runs")
  void badArgsRefused() {
    var registry = KubernetesCatalog.registry();
    assertThat(
            registry
                .resolve(new ToolCall("k8s.scale", Fixtures.map("name", "web", "replicas", 1001)))
                .problems())
        .anySatisfy(p -> assertThat(p).contains("args.replicas", "between 0 and 1000"));
    assertThat(
            registry
                .resolve(new ToolCall("k8s.scale", Fixtures.map("name", "web", "replicas", -1)))
                .problems())
        .isNotEmpty();
    assertThat(
            registry
                .resolve(
                    new ToolCall(
                        "k8s.scale", Fixtures.map("kind", "Service", "name", "web", "replicas", 1)))
                .problems())
        .anySatisfy(p -> assertThat(p).contains("args.kind"));
    assertThatThrownBy(
            () ->
                tool.preview(
                    ctx,
                    args("kind", "DaemonSet", "namespace", "shop", "name", "web", "replicas", 1)))
        .isInstanceOf(ToolException.class)
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.INVALID_ARGS);
  }

  @Test
  @DisplayName(
      "given an executed scale, the rollback should scale back and restore the before-state")
  void rollbackRestores() {
    Execution e = tool.execute(ctx, scaleTo(5), tool.preview(ctx, scaleTo(5)).target());

    RollbackPlan plan = tool.rollback(scaleTo(5), e);

    assertThat(plan.call().tool()).isEqualTo("k8s.scale");
    assertThat(plan.call().args()).containsEntry("replicas", 2);
    assertThat(KubernetesCatalog.registry().resolve(plan.call()).problems()).isEmpty();
    ToolArgs back = new ToolArgs(plan.call().args());
    tool.execute(ctx, back, tool.preview(ctx, back).target());
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace("shop")
                .withName("web")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(2);
  }
}
