package io.interlock.activities.k8s.write;

import static io.interlock.activities.k8s.Fixtures.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.activities.k8s.DemoClusterTest;
import io.interlock.activities.tools.Observation;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.Preview;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("k8s.patch")
class PatchToolTest extends DemoClusterTest {

  ToolCall patch(Object patch) {
    return new ToolCall(
        "k8s.patch",
        map("kind", "ConfigMap", "namespace", "shop", "name", "web-config", "patch", patch));
  }

  String flag(String key) {
    return client.configMaps().inNamespace("shop").withName("web-config").get().getData().get(key);
  }

  @Test
  @DisplayName(
      "given a merge patch, should preview the changed fields, apply them, verify them, and the rollback should restore the before values")
  void patchesAndReverses() {
    ToolCall call = patch(map("data", map("FEATURE_FLAGS", "checkout-v2=true", "NEW_KEY", "x")));

    Preview p = write("k8s.patch").preview(ctx, valid(call));
    assertThat(p.summary())
        .startsWith("patch ConfigMap shop/web-config ")
        .contains("data.FEATURE_FLAGS", "data.NEW_KEY");
    assertThat(p.diff())
        .contains(
            "-  FEATURE_FLAGS: checkout-v2=false",
            "+  FEATURE_FLAGS: checkout-v2=true",
            "+  NEW_KEY: x");

    Execution e = write("k8s.patch").execute(ctx, valid(call), p.target());
    assertThat(flag("FEATURE_FLAGS")).isEqualTo("checkout-v2=true");
    assertThat(observe(call, e).status()).isEqualTo(Observation.Status.REACHED);

    RollbackPlan plan = write("k8s.patch").rollback(valid(call), e);
    approveAndRun(plan.call());
    assertThat(flag("FEATURE_FLAGS")).isEqualTo("checkout-v2=false");
    assertThat(flag("NEW_KEY")).isNull();
  }

  @Test
  @DisplayName("given a patch of identity or status, should refuse it as INVALID_ARGS")
  void identityRefused() {
    for (Object bad :
        new Object[] {
          map("metadata", map("name", "other")),
          map("kind", "Secret"),
          map("status", map("x", 1)),
          map()
        }) {
      // Refused by the schema, before anything runs.
      assertThat(registry.resolve(patch(bad)).problems())
          .as("%s", bad)
          .singleElement()
          .asString()
          .startsWith("args.patch");
    }
  }

  @Test
  @DisplayName(
      "given a patched Secret, the preview should show the change without any value and no rollback can restore values")
  void secretPatchRedacted() {
    ToolCall call =
        new ToolCall(
            "k8s.patch",
            map(
                "kind",
                "Secret",
                "namespace",
                "shop",
                "name",
                "api-credentials",
                "patch",
                map("stringData", map("password", secretRef("new-password", "n3w-pa55word")))));

    Preview p = write("k8s.patch").preview(ctx, valid(call));
    Execution e = write("k8s.patch").execute(ctx, valid(call), p.target());

    String all = p.diff() + p.intended() + e.before() + e.after();
    assertThat(all).doesNotContain(PASSWORD, PASSWORD_B64, "n3w-pa55word");
    assertThat(write("k8s.patch").rollback(valid(call), e).call()).isNull();
  }
}
