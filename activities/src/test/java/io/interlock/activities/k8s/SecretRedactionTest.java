package io.interlock.activities.k8s;

import static io.interlock.activities.k8s.Fixtures.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.activities.ToolActivitiesImpl;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.ReadTool;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.Preview;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Secret values never leave the engine, and enter it only by reference")
class SecretRedactionTest extends DemoClusterTest {
  static final String NEW_VALUE = "n3w-t0p-s3cr3t";
  static final String NEW_VALUE_B64 = Base64.getEncoder().encodeToString(NEW_VALUE.getBytes());

  JsonNode read(String tool, Object... args) {
    return ((ReadTool) registry.find(tool).orElseThrow())
        .read(ctx, valid(new ToolCall(tool, map(args))));
  }

  static Map<String, Object> secret(String name, String field, Map<String, Object> values) {
    return map(
        "apiVersion",
        "v1",
        "kind",
        "Secret",
        "metadata",
        map("name", name, "namespace", "shop"),
        field,
        values);
  }

  String everything(Preview p) {
    return p.diff() + p.intended() + p.warnings() + p.target() + p.summary();
  }

  @Test
  @DisplayName(
      "given the demo Secret, every read result should show its keys but none of its values")
  void everyReadIsRedacted() {
    List<JsonNode> results = new ArrayList<>();
    results.add(read("k8s.get", "kind", "Secret", "namespace", "shop", "name", "api-credentials"));
    results.add(read("k8s.list", "kind", "Secret", "namespace", "shop"));
    results.add(read("k8s.list", "kind", "Secret", "allNamespaces", true));
    results.add(
        read("k8s.describe", "kind", "Secret", "namespace", "shop", "name", "api-credentials"));
    results.add(read("k8s.events", "namespace", "shop"));
    results.add(
        read(
            "k8s.diff",
            "manifest",
            secret(
                "api-credentials",
                "stringData",
                map("password", secretRef("new-password", NEW_VALUE)))));
    results.add(
        read(
            "k8s.diff",
            "tool",
            "k8s.delete",
            "args",
            map("kind", "Secret", "namespace", "shop", "name", "api-credentials")));

    for (JsonNode r : results) {
      assertThat(Json.text(r)).doesNotContain(PASSWORD, PASSWORD_B64, NEW_VALUE, NEW_VALUE_B64);
    }
    assertThat(results.get(0).at("/data/password").asText()).isEqualTo("<redacted>");
    assertThat(results.get(0).get("data").size()).isEqualTo(3);
    assertThat(results.get(5).get("diff").asText()).contains("<redacted, changed>");
  }

  @Test
  @DisplayName(
      "given an apply of a Secret by reference, the preview and the execution hold no value, the approval binds a keyed digest of it, and the cluster holds the real value")
  void applyByReference() {
    ToolCall call =
        new ToolCall(
            "k8s.apply",
            map(
                "manifest",
                map(
                    "apiVersion",
                    "v1",
                    "kind",
                    "Secret",
                    "metadata",
                    map("name", "db-credentials", "namespace", "shop"),
                    "data",
                    map("password", secretRef("db-password", NEW_VALUE)),
                    "stringData",
                    map("user", secretRef("db-user", "ledger")))));
    long before = cluster.mutations();

    Preview p = write("k8s.apply").preview(ctx, valid(call));
    assertThat(cluster.mutations()).isEqualTo(before);
    Execution e = write("k8s.apply").execute(ctx, valid(call), p.target());

    assertThat(everything(p) + e.before() + e.after() + e.result())
        .doesNotContain(NEW_VALUE, NEW_VALUE_B64);
    assertThat(p.target().sources())
        .containsOnlyKeys("secretRef test/db-password", "secretRef test/db-user")
        .allSatisfy((k, v) -> assertThat(v).matches("hmac-sha256:[0-9a-f]{64}"));
    assertThat(p.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("args.manifest.data.password", "store 'test'", "key 'db-password'"));
    assertThat(p.diff()).contains("password: \"<redacted, changed>\"");
    var stored = client.secrets().inNamespace("shop").withName("db-credentials").get();
    assertThat(stored.getData())
        .containsEntry("password", NEW_VALUE_B64)
        .containsEntry("user", Base64.getEncoder().encodeToString("ledger".getBytes()));
    assertThat(stored.getStringData())
        .as("stringData is written into data, as the API server does")
        .isNullOrEmpty();
    assertThat(observe(call, e).status()).isEqualTo(Observation.Status.REACHED);
    assertThat(cluster.mutations()).isEqualTo(before + 1);
  }

  @Test
  @DisplayName(
      "given a Secret patch by reference, the value lands in the cluster, none in the preview; a value changed in its store after approval stops the write")
  void patchByReferenceAndChangedStoreValue() throws Exception {
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
                map("stringData", map("password", secretRef("rotated", NEW_VALUE)))));

    Preview p = write("k8s.patch").preview(ctx, valid(call));
    assertThat(everything(p)).doesNotContain(NEW_VALUE, NEW_VALUE_B64, PASSWORD, PASSWORD_B64);
    assertThat(p.target().sources()).containsOnlyKeys("secretRef test/rotated");

    Files.writeString(secretStore.resolve("rotated"), "another-value");
    long before = cluster.mutations();
    assertThatThrownBy(() -> write("k8s.patch").execute(ctx, valid(call), p.target()))
        .hasMessageContaining("source changed since approval: secretRef test/rotated")
        .hasMessageNotContaining("another-value")
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.TARGET_CHANGED);
    assertThat(cluster.mutations()).isEqualTo(before);
    assertThat(client.secrets().inNamespace("shop").withName("api-credentials").get().getData())
        .containsEntry("password", PASSWORD_B64);

    Files.writeString(secretStore.resolve("rotated"), NEW_VALUE);
    Execution e = write("k8s.patch").execute(ctx, valid(call), p.target());
    assertThat(client.secrets().inNamespace("shop").withName("api-credentials").get().getData())
        .containsEntry("password", NEW_VALUE_B64);
    assertThat("" + e.before() + e.after() + e.result())
        .doesNotContain(NEW_VALUE, NEW_VALUE_B64, PASSWORD, PASSWORD_B64);
    assertThat(observe(call, e).status()).isEqualTo(Observation.Status.REACHED);
    assertThat(write("k8s.patch").rollback(valid(call), e).call())
        .as("values are never captured")
        .isNull();
  }

  @Test
  @DisplayName(
      "given literal Secret values in apply, patch or diff (object, YAML text, last-applied copy), the schema refuses them naming the field and rule, never the value; nothing runs")
  void literalsRefused() {
    String yaml =
        "apiVersion: v1\nkind: Secret\nmetadata: {name: x, namespace: shop}\nstringData: {password: "
            + NEW_VALUE
            + "}\n";
    List<ToolCall> literal =
        List.of(
            new ToolCall(
                "k8s.apply", map("manifest", secret("x", "data", map("password", NEW_VALUE_B64)))),
            new ToolCall(
                "k8s.apply",
                map("manifest", secret("x", "stringData", map("password", NEW_VALUE)))),
            new ToolCall(
                "k8s.apply",
                map(
                    "manifest",
                    secret("x", "stringData", map("password", map("value", NEW_VALUE))))),
            new ToolCall(
                "k8s.apply",
                map(
                    "manifest",
                    map(
                        "apiVersion",
                        "v1",
                        "kind",
                        "secrets",
                        "metadata",
                        map("name", "x", "namespace", "shop"),
                        "stringData",
                        map("password", NEW_VALUE)))),
            new ToolCall("k8s.apply", map("manifest", yaml)),
            new ToolCall(
                "k8s.apply",
                map(
                    "manifest",
                    map(
                        "apiVersion",
                        "v1",
                        "kind",
                        "Secret",
                        "metadata",
                        map(
                            "name",
                            "x",
                            "namespace",
                            "shop",
                            "annotations",
                            map(
                                Redaction.LAST_APPLIED,
                                "{\"stringData\":{\"password\":\"" + NEW_VALUE + "\"}}"))))),
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
                    map("data", map("password", NEW_VALUE_B64)))),
            new ToolCall(
                "k8s.patch",
                map(
                    "kind",
                    "secret",
                    "namespace",
                    "shop",
                    "name",
                    "api-credentials",
                    "patch",
                    "stringData: {password: " + NEW_VALUE + "}")),
            new ToolCall(
                "k8s.diff",
                map(
                    "manifest",
                    secret("api-credentials", "stringData", map("password", NEW_VALUE)))),
            new ToolCall(
                "k8s.diff",
                map(
                    "tool",
                    "k8s.patch",
                    "args",
                    map(
                        "kind",
                        "Secret",
                        "namespace",
                        "shop",
                        "name",
                        "api-credentials",
                        "patch",
                        map("stringData", map("password", NEW_VALUE))))));
    ToolActivitiesImpl activities = new ToolActivitiesImpl(registry, ctx);
    for (ToolCall call : literal) {
      assertThat(registry.resolve(call).problems())
          .as("%s", call)
          .singleElement()
          .asString()
          .contains("rule secret.by-reference")
          .doesNotContain(NEW_VALUE, NEW_VALUE_B64);
      if (!call.tool().equals("k8s.diff")) {
        assertThatThrownBy(() -> activities.preview("test", call))
            .isInstanceOf(ApplicationFailure.class)
            .hasMessageContaining("secret.by-reference");
      }
    }
    assertThat(registry.resolve(literal.get(0)).problems().get(0))
        .startsWith("args.manifest.data.password: a Secret value cannot be sent in a call")
        .contains("{\"valueFrom\":{\"secretRef\":{\"store\":\"<store>\",\"key\":\"<key>\"}}}");
    assertThat(cluster.mutations()).isZero();
  }

  @Test
  @DisplayName(
      "given a reference to an unknown store, a missing key or a key outside the store, the call fails naming store and key, and mutates nothing")
  void badReferences() {
    Map<String, Object> unknownStore =
        map("valueFrom", map("secretRef", map("store", "vault", "key", "x")));
    Map<String, Object> missingKey =
        map("valueFrom", map("secretRef", map("store", STORE, "key", "absent")));
    Map<String, Object> escaping =
        map("valueFrom", map("secretRef", map("store", STORE, "key", "../../etc/passwd")));

    assertThatThrownBy(
            () ->
                write("k8s.apply")
                    .preview(
                        ctx,
                        valid(
                            new ToolCall(
                                "k8s.apply",
                                map(
                                    "manifest",
                                    secret("x", "data", map("password", unknownStore)))))))
        .hasMessageContaining("no secret store 'vault'")
        .hasMessageContaining("stores: [test]")
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.INVALID_ARGS);
    assertThatThrownBy(
            () ->
                write("k8s.apply")
                    .preview(
                        ctx,
                        valid(
                            new ToolCall(
                                "k8s.apply",
                                map(
                                    "manifest",
                                    secret("x", "data", map("password", missingKey)))))))
        .hasMessageContaining("secret store 'test' has no key 'absent'")
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.NOT_FOUND);
    assertThat(
            registry
                .resolve(
                    new ToolCall(
                        "k8s.apply",
                        map("manifest", secret("x", "data", map("password", escaping)))))
                .problems())
        .singleElement()
        .asString()
        .contains("args.manifest.data.password", "rule secret-key-name");
    assertThat(cluster.mutations()).isZero();
  }
}
