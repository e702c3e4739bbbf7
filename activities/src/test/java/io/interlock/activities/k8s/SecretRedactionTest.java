package io.interlock.activities.k8s;

import static io.interlock.activities.k8s.Fixtures.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.activities.tools.ReadTool;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.Preview;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Secret values never leave the engine")
class SecretRedactionTest extends DemoClusterTest {
  static final String NEW_VALUE = "n3w-t0p-s3cr3t";

  JsonNode read(String tool, Object... args) {
    return ((ReadTool) registry.find(tool).orElseThrow()).read(ctx, valid(new ToolCall(tool, map(args))));
  }

  @Test
  @DisplayName("given the demo Secret, every read result should show its keys but none of its values")
  void everyReadIsRedacted() {
    List<JsonNode> results = new ArrayList<>();
    results.add(read("k8s.get", "kind", "Secret", "namespace", "shop", "name", "api-credentials"));
    results.add(read("k8s.list", "kind", "Secret", "namespace", "shop"));
    results.add(read("k8s.list", "kind", "Secret", "allNamespaces", true));
    results.add(read("k8s.describe", "kind", "Secret", "namespace", "shop", "name", "api-credentials"));
    results.add(read("k8s.events", "namespace", "shop"));
    results.add(read("k8s.diff", "manifest", map("apiVersion", "v1", "kind", "Secret",
        "metadata", map("name", "api-credentials", "namespace", "shop"), "stringData", map("password", NEW_VALUE))));
    results.add(read("k8s.diff", "tool", "k8s.delete", "args", map("kind", "Secret", "namespace", "shop", "name", "api-credentials")));

    for (JsonNode r : results) {
      assertThat(Json.text(r)).doesNotContain(PASSWORD, PASSWORD_B64, NEW_VALUE);
    }
    assertThat(results.get(0).at("/data/password").asText()).isEqualTo("<redacted>");
    assertThat(results.get(0).get("data").size()).isEqualTo(3);
    assertThat(results.get(5).get("diff").asText()).contains("<redacted, changed>");
  }

  @Test
  @DisplayName("given an apply of a Secret, the preview and the execution's before and after should hold no values")
  void writesAreRedacted() {
    client.secrets().inNamespace("shop").withName("api-credentials").edit(s -> {
      s.getMetadata().setAnnotations(new java.util.HashMap<>(java.util.Map.of(
          Redaction.LAST_APPLIED, "{\"data\":{\"password\":\"" + PASSWORD_B64 + "\"}}")));
      return s;
    });
    ToolCall call = new ToolCall("k8s.apply", map("forceConflicts", true, "manifest", map("apiVersion", "v1", "kind", "Secret",
        "metadata", map("name", "api-credentials", "namespace", "shop"), "stringData", map("token", NEW_VALUE))));

    Preview p = write("k8s.apply").preview(ctx, valid(call));
    Execution e = write("k8s.apply").execute(ctx, valid(call), p.target());

    String all = p.diff() + p.intended() + e.before() + e.after() + e.result();
    assertThat(all).doesNotContain(PASSWORD, PASSWORD_B64, NEW_VALUE);
    assertThat(Json.text(read("k8s.get", "kind", "Secret", "namespace", "shop", "name", "api-credentials")))
        .doesNotContain(PASSWORD_B64, NEW_VALUE);
  }
}
