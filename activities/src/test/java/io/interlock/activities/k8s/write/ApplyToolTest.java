package io.interlock.activities.k8s.write;

import static io.interlock.activities.k8s.Fixtures.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.interlock.activities.k8s.DemoClusterTest;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.Preview;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("k8s.apply")
class ApplyToolTest extends DemoClusterTest {
  static final String NEW_CONFIG =
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: flags, namespace: shop}
      data: {checkout: "v2"}
      """;

  ToolCall apply(Object manifest) {
    return new ToolCall("k8s.apply", map("manifest", manifest));
  }

  @Test
  @DisplayName(
      "given a new object, preview should show a create without mutating; execute creates it; rollback deletes it")
  void createsAndRollsBackByDelete() {
    ToolCall call = apply(NEW_CONFIG);
    long before = cluster.mutations();

    Preview p = write("k8s.apply").preview(ctx, valid(call));

    assertThat(p.summary()).isEqualTo("apply ConfigMap shop/flags (create)");
    assertThat(p.target().exists()).isFalse();
    assertThat(p.diff()).contains("--- /dev/null", "+  checkout: v2");
    assertThat(p.dryRun()).contains("fieldManager=interlock", "force=false");
    assertThat(cluster.mutations()).isEqualTo(before);

    Execution e = write("k8s.apply").execute(ctx, valid(call), p.target());
    assertThat(client.configMaps().inNamespace("shop").withName("flags").get().getData())
        .containsEntry("checkout", "v2");
    assertThat(observe(call, e).status()).isEqualTo(Observation.Status.REACHED);

    RollbackPlan plan = write("k8s.apply").rollback(valid(call), e);
    assertThat(plan.call().tool()).isEqualTo("k8s.delete");
    approveAndRun(plan.call());
    assertThat(client.configMaps().inNamespace("shop").withName("flags").get()).isNull();
  }

  @Test
  @DisplayName(
      "given a Deployment owned by kubectl, apply should conflict, then with forceConflicts update it, verify the rollout, and the rollback should re-apply the previous object")
  void updatesAndRollsBack() {
    Map<String, Object> manifest =
        map(
            "apiVersion",
            "apps/v1",
            "kind",
            "Deployment",
            "metadata",
            map("name", "web", "namespace", "shop"),
            "spec",
            map(
                "replicas",
                3,
                "selector",
                map("matchLabels", map("app", "web")),
                "template",
                map(
                    "metadata",
                    map("labels", map("app", "web")),
                    "spec",
                    map(
                        "containers",
                        java.util.List.of(map("name", "web", "image", "nginx:1.26"))))));
    assertThatThrownBy(() -> write("k8s.apply").preview(ctx, valid(apply(manifest))))
        .hasMessageContaining("conflict with \"kubectl-client-side-apply\"")
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.CONFLICT);
    ToolCall call = new ToolCall("k8s.apply", map("manifest", manifest, "forceConflicts", true));

    Preview p = write("k8s.apply").preview(ctx, valid(call));
    assertThat(p.warnings()).anySatisfy(w -> assertThat(w).startsWith("forceConflicts"));
    assertThat(p.diff()).contains("-  replicas: 2", "+  replicas: 3", "+      - image: nginx:1.26");
    Execution e = write("k8s.apply").execute(ctx, valid(call), p.target());
    settle();
    assertThat(verify(call, e).verdict().name()).isEqualTo("VERIFIED");

    RollbackPlan plan = write("k8s.apply").rollback(valid(call), e);
    assertThat(plan.call().tool()).isEqualTo("k8s.apply");
    approveAndRun(plan.call());
    assertThat(image("shop", "web")).isEqualTo("nginx:1.25");
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

  @Test
  @DisplayName(
      "given fields owned by another field manager, apply should fail CONFLICT naming the manager and mutate nothing")
  void conflictNamesManager() {
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("flags")
                .withNamespace("shop")
                .endMetadata()
                .addToData("checkout", "v1")
                .build())
        .fieldManager("helm")
        .serverSideApply();
    long before = cluster.mutations();

    assertThatThrownBy(() -> write("k8s.apply").preview(ctx, valid(apply(NEW_CONFIG))))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("helm")
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.CONFLICT);
    assertThat(cluster.mutations()).isEqualTo(before);
    assertThat(client.configMaps().inNamespace("shop").withName("flags").get().getData())
        .containsEntry("checkout", "v1");
  }

  @Test
  @DisplayName("given malformed manifests, apply should fail INVALID_ARGS and mutate nothing")
  void malformedManifests() {
    long before = cluster.mutations();
    for (Object bad :
        new Object[] {
          "kind: [unclosed",
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: shop}\n",
          "apiVersion: v1\nkind: Widget\nmetadata: {name: w}\n",
          "apiVersion: v2\nkind: ConfigMap\nmetadata: {name: w}\n",
          NEW_CONFIG + "---\n" + NEW_CONFIG.replace("flags", "more"),
          "- just\n- a list\n"
        }) {
      assertThatThrownBy(() -> write("k8s.apply").preview(ctx, new ToolArgs(map("manifest", bad))))
          .as(bad.toString())
          .isInstanceOf(ToolException.class)
          .extracting(x -> ((ToolException) x).type())
          .isEqualTo(FailureType.INVALID_ARGS);
    }
    assertThat(cluster.mutations()).isEqualTo(before);
  }

  @Test
  @DisplayName(
      "given the object changed after approval, apply should fail TARGET_CHANGED and leave it untouched")
  void changedAfterApproval() {
    ToolCall call = apply(NEW_CONFIG.replace("flags", "web-config"));
    Preview p = write("k8s.apply").preview(ctx, valid(call));
    client
        .configMaps()
        .inNamespace("shop")
        .withName("web-config")
        .edit(
            cm -> {
              cm.getData().put("FEATURE_FLAGS", "checkout-v2=true");
              return cm;
            });

    assertThatThrownBy(() -> write("k8s.apply").execute(ctx, valid(call), p.target()))
        .hasMessageContaining("target changed since approval")
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.TARGET_CHANGED);
    assertThat(client.configMaps().inNamespace("shop").withName("web-config").get().getData())
        .containsEntry("FEATURE_FLAGS", "checkout-v2=true")
        .doesNotContainKey("checkout");
  }
}
