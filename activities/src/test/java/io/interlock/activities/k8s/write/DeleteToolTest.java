package io.interlock.activities.k8s.write;

import static io.interlock.activities.k8s.Fixtures.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.interlock.activities.k8s.DemoClusterTest;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.Preview;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("k8s.delete")
class DeleteToolTest extends DemoClusterTest {
  final ToolCall call =
      new ToolCall(
          "k8s.delete", map("kind", "ConfigMap", "namespace", "shop", "name", "web-config"));

  @Test
  @DisplayName(
      "given an object, preview should dry-run without deleting; execute deletes it; verification sees 404; rollback re-creates it")
  void deletesAndRecreates() {
    long before = cluster.mutations();
    Preview p = write("k8s.delete").preview(ctx, valid(call));
    assertThat(p.summary()).isEqualTo("delete ConfigMap shop/web-config");
    assertThat(p.diff()).contains("+++ /dev/null", "-  FEATURE_FLAGS: checkout-v2=false");
    assertThat(p.warnings()).anySatisfy(w -> assertThat(w).startsWith("destructive"));
    assertThat(cluster.mutations()).isEqualTo(before);
    assertThat(client.configMaps().inNamespace("shop").withName("web-config").get()).isNotNull();

    Execution e = write("k8s.delete").execute(ctx, valid(call), p.target());
    assertThat(client.configMaps().inNamespace("shop").withName("web-config").get()).isNull();
    assertThat(observe(call, e).status()).isEqualTo(Observation.Status.REACHED);

    RollbackPlan plan = write("k8s.delete").rollback(valid(call), e);
    assertThat(plan.call().tool()).isEqualTo("k8s.apply");
    assertThat(plan.call().args().toString())
        .doesNotContain("resourceVersion", "uid", "managedFields", "creationTimestamp");
    approveAndRun(plan.call());
    assertThat(client.configMaps().inNamespace("shop").withName("web-config").get().getData())
        .containsEntry("FEATURE_FLAGS", "checkout-v2=false");
  }

  @Test
  @DisplayName(
      "given the object changed after approval, delete should fail TARGET_CHANGED and not delete it")
  void changedAfterApproval() {
    Preview p = write("k8s.delete").preview(ctx, valid(call));
    client
        .configMaps()
        .inNamespace("shop")
        .withName("web-config")
        .edit(
            cm -> {
              cm.getData().put("x", "y");
              return cm;
            });

    assertThatThrownBy(() -> write("k8s.delete").execute(ctx, valid(call), p.target()))
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.TARGET_CHANGED);
    assertThat(client.configMaps().inNamespace("shop").withName("web-config").get()).isNotNull();
  }

  @Test
  @DisplayName(
      "given a stale approved resourceVersion, the server-side precondition should refuse the delete")
  void serverPreconditionRefuses() {
    Preview p = write("k8s.delete").preview(ctx, valid(call));
    var stale =
        new io.interlock.contract.values.TargetRef(
            p.target().apiVersion(),
            p.target().kind(),
            p.target().namespace(),
            p.target().name(),
            "another-uid",
            p.target().resourceVersion(),
            true);

    assertThatThrownBy(() -> write("k8s.delete").execute(ctx, valid(call), stale))
        .hasMessageContaining("re-created")
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.TARGET_CHANGED);
    assertThat(client.configMaps().inNamespace("shop").withName("web-config").get()).isNotNull();
  }

  @Test
  @DisplayName(
      "given a missing object, preview should fail NOT_FOUND; given a Secret, no rollback can re-create it")
  void missingAndSecret() {
    assertThatThrownBy(
            () ->
                write("k8s.delete")
                    .preview(
                        ctx,
                        valid(
                            new ToolCall(
                                "k8s.delete",
                                map("kind", "ConfigMap", "namespace", "shop", "name", "nope")))))
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.NOT_FOUND);
    ToolCall secret =
        new ToolCall(
            "k8s.delete", map("kind", "Secret", "namespace", "shop", "name", "api-credentials"));
    Execution e = approveAndRun(secret);
    assertThat(e.before().toString()).doesNotContain(PASSWORD_B64);
    RollbackPlan plan = write("k8s.delete").rollback(valid(secret), e);
    assertThat(plan.call()).isNull();
    assertThat(plan.note()).contains("Secret values are never captured");
  }
}
