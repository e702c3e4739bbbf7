package io.interlock.activities.k8s.write;

import static io.interlock.activities.k8s.Fixtures.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.activities.k8s.DemoClusterTest;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.ReadTool;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.Preview;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("k8s.cordon, k8s.uncordon, k8s.rollout-restart, k8s.rollout-undo")
class NodeAndRolloutToolsTest extends DemoClusterTest {

  boolean unschedulable(String node) {
    return Boolean.TRUE.equals(client.nodes().withName(node).get().getSpec().getUnschedulable());
  }

  @Test
  @DisplayName(
      "given a schedulable node, cordon should set spec.unschedulable and the rollback should uncordon it")
  void cordonAndBack() {
    ToolCall call = new ToolCall("k8s.cordon", map("name", "node-1"));
    Preview p = write("k8s.cordon").preview(ctx, valid(call));
    assertThat(p.summary()).isEqualTo("cordon Node node-1 (spec.unschedulable false -> true)");
    assertThat(p.diff()).contains("+  unschedulable: true");

    Execution e = write("k8s.cordon").execute(ctx, valid(call), p.target());
    assertThat(unschedulable("node-1")).isTrue();
    assertThat(observe(call, e).status()).isEqualTo(Observation.Status.REACHED);

    RollbackPlan plan = write("k8s.cordon").rollback(valid(call), e);
    assertThat(plan.call().tool()).isEqualTo("k8s.uncordon");
    Execution back = approveAndRun(plan.call());
    assertThat(unschedulable("node-1")).isFalse();
    assertThat(observe(plan.call(), back).status()).isEqualTo(Observation.Status.REACHED);
  }

  @Test
  @DisplayName("given no such node, cordon should fail NOT_FOUND")
  void missingNode() {
    assertThatThrownBy(
            () ->
                write("k8s.cordon")
                    .preview(ctx, valid(new ToolCall("k8s.cordon", map("name", "node-9")))))
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.NOT_FOUND);
  }

  @Test
  @DisplayName(
      "given a Deployment, rollout-restart should stamp restartedAt on the template and roll out; no rollback is offered")
  void restart() {
    ToolCall call = new ToolCall("k8s.rollout-restart", map("namespace", "shop", "name", "web"));
    Execution e = approveAndRun(call);
    settle();

    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace("shop")
                .withName("web")
                .get()
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations())
        .containsKey("kubectl.kubernetes.io/restartedAt");
    assertThat(observe(call, e).status()).isEqualTo(Observation.Status.REACHED);
    RollbackPlan plan = write("k8s.rollout-restart").rollback(valid(call), e);
    assertThat(plan.call()).isNull();
    assertThat(plan.note()).contains("nothing to undo");
  }

  @Test
  @DisplayName(
      "given a Deployment at revision 2, rollout-undo should return to revision 1's template, and its rollback forward again")
  void undo() {
    approveAndRun(
        new ToolCall(
            "k8s.set-image", map("namespace", "shop", "name", "web", "image", "nginx:1.26")));
    settle();
    JsonNode history =
        ((ReadTool) registry.find("k8s.rollout-history").orElseThrow())
            .read(ctx, new ToolArgs(map("namespace", "shop", "name", "web")));
    assertThat(history.get("currentRevision").asLong()).isEqualTo(2);
    assertThat(history.at("/revisions/0/images/0").asText()).isEqualTo("web=nginx:1.25");

    ToolCall undo = new ToolCall("k8s.rollout-undo", map("namespace", "shop", "name", "web"));
    Preview p = write("k8s.rollout-undo").preview(ctx, valid(undo));
    assertThat(p.summary())
        .isEqualTo(
            "rollout-undo Deployment shop/web to revision 1 (images [nginx:1.26] -> [nginx:1.25])");
    assertThat(p.diff()).doesNotContain("pod-template-hash");
    Execution e = write("k8s.rollout-undo").execute(ctx, valid(undo), p.target());
    settle();

    assertThat(image("shop", "web")).isEqualTo("nginx:1.25");
    assertThat(observe(undo, e).status()).isEqualTo(Observation.Status.REACHED);
    RollbackPlan plan = write("k8s.rollout-undo").rollback(valid(undo), e);
    assertThat(plan.call().args()).containsEntry("toRevision", 2);
    approveAndRun(plan.call());
    assertThat(image("shop", "web")).isEqualTo("nginx:1.26");
  }

  /** Rewrites the pod template a Deployment's ReplicaSet records for {@code revision}. */
  void editRevision(String name, String revision, String image) {
    var rs =
        client.apps().replicaSets().inNamespace("shop").list().getItems().stream()
            .filter(r -> r.getMetadata().getName().startsWith(name + "-"))
            .filter(
                r ->
                    revision.equals(
                        r.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision")))
            .findFirst()
            .orElseThrow();
    client
        .apps()
        .replicaSets()
        .inNamespace("shop")
        .withName(rs.getMetadata().getName())
        .edit(
            r -> {
              r.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
              return r;
            });
  }

  @Test
  @DisplayName(
      "given an undo previewed to revision 1, the preview should bind revision 1's template; when that template is edited before execution, execute should fail TARGET_CHANGED naming it and mutate nothing")
  void undoRefusesEditedRevision() {
    approveAndRun(
        new ToolCall(
            "k8s.set-image", map("namespace", "shop", "name", "web", "image", "nginx:1.26")));
    settle();
    ToolCall undo =
        new ToolCall("k8s.rollout-undo", map("namespace", "shop", "name", "web", "toRevision", 1));
    Preview p = write("k8s.rollout-undo").preview(ctx, valid(undo));
    assertThat(p.target().sources()).containsOnlyKeys("revision 1 template");
    assertThat(p.target().sources().get("revision 1 template")).matches("sha256:[0-9a-f]{64}");

    editRevision("web", "1", "registry.example/evil:1");
    long before = cluster.mutations();

    assertThatThrownBy(() -> write("k8s.rollout-undo").execute(ctx, valid(undo), p.target()))
        .hasMessageContaining(
            "source changed since approval: revision 1 template for Deployment shop/web")
        .hasMessageContaining("propose the step again")
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.TARGET_CHANGED);
    assertThat(cluster.mutations()).isEqualTo(before);
    assertThat(image("shop", "web")).isEqualTo("nginx:1.26");
  }

  @Test
  @DisplayName(
      "given no earlier revision or an unknown one, rollout-undo should fail NOT_FOUND and mutate nothing")
  void undoWithoutHistory() {
    long before = cluster.mutations();
    assertThatThrownBy(
            () ->
                write("k8s.rollout-undo")
                    .preview(
                        ctx,
                        valid(
                            new ToolCall(
                                "k8s.rollout-undo", map("namespace", "shop", "name", "web")))))
        .hasMessageContaining("no rollout history")
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.NOT_FOUND);
    assertThatThrownBy(
            () ->
                write("k8s.rollout-undo")
                    .preview(
                        ctx,
                        valid(
                            new ToolCall(
                                "k8s.rollout-undo",
                                map("namespace", "shop", "name", "web", "toRevision", 7)))))
        .hasMessageContaining("revision 7");
    assertThat(cluster.mutations()).isEqualTo(before);
  }

  @Test
  @DisplayName(
      "given a StatefulSet with two ControllerRevisions, rollout-undo should restore the previous template")
  void undoStatefulSet() {
    approveAndRun(
        new ToolCall(
            "k8s.set-image",
            map("kind", "StatefulSet", "namespace", "shop", "name", "db", "image", "postgres:17")));
    settle();
    ToolCall undo =
        new ToolCall(
            "k8s.rollout-undo", map("kind", "StatefulSet", "namespace", "shop", "name", "db"));

    Execution e = approveAndRun(undo);
    settle();

    assertThat(
            client
                .apps()
                .statefulSets()
                .inNamespace("shop")
                .withName("db")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("postgres:16");
    assertThat(observe(undo, e).status()).isEqualTo(Observation.Status.REACHED);
  }
}
