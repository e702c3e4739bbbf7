package io.interlock.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.contract.commands.ToolCall;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SecretLiteralsTest {
  private static final String VALUE = "correct-horse-battery-staple";
  private static final Map<String, Object> REF =
      Map.of("valueFrom", Map.of("secretRef", Map.of("store", "dev", "key", "db-password")));

  private static Map<String, Object> secret(String kind, String field, Object values) {
    return Map.of(
        "apiVersion",
        "v1",
        "kind",
        kind,
        "metadata",
        Map.of("name", "x", "namespace", "shop"),
        field,
        values);
  }

  private static String problem(String tool, Map<String, Object> args) {
    return SecretLiterals.problem(new ToolCall(tool, args));
  }

  @Test
  @DisplayName("references, deletions (null) and objects of other kinds pass")
  void referencesPass() {
    Map<String, Object> deletion = new HashMap<>();
    deletion.put("old", null);
    assertThat(
            problem(
                "k8s.apply", Map.of("manifest", secret("Secret", "data", Map.of("password", REF)))))
        .isNull();
    assertThat(
            problem(
                "k8s.apply",
                Map.of("manifest", secret("Secret", "stringData", Map.of("password", REF)))))
        .isNull();
    assertThat(
            problem(
                "k8s.patch",
                Map.of("kind", "Secret", "name", "x", "patch", Map.of("data", deletion))))
        .isNull();
    assertThat(
            problem(
                "k8s.apply",
                Map.of("manifest", secret("ConfigMap", "data", Map.of("password", VALUE)))))
        .isNull();
    assertThat(problem("k8s.apply", Map.of("manifest", "kind: ConfigMap\ndata: {kind: value}\n")))
        .isNull();
  }

  @Test
  @DisplayName(
      "a literal value anywhere a Secret's data can travel is refused, naming the field and the rule, never the value")
  void literalsRefused() {
    List<String> problems =
        List.of(
            problem(
                "k8s.apply",
                Map.of("manifest", secret("Secret", "data", Map.of("password", VALUE)))),
            problem(
                "k8s.apply",
                Map.of("manifest", secret("SECRETS", "stringData", Map.of("password", VALUE)))),
            problem(
                "k8s.apply",
                Map.of(
                    "manifest",
                    secret(
                        "Secret", "stringData", Map.of("password", Map.of("valueFrom", VALUE))))),
            problem("k8s.apply", Map.of("manifest", secret("Secret", "data", VALUE))),
            problem(
                "k8s.apply",
                Map.of(
                    "manifest",
                    "apiVersion: v1\nkind: Secret\nstringData: {password: " + VALUE + "}\n")),
            problem(
                "k8s.apply",
                Map.of(
                    "manifest",
                    "{\"kind\": \"secret\", \"data\": {\"password\": \"" + VALUE + "\"}}")),
            problem(
                "k8s.patch",
                Map.of(
                    "kind",
                    "secret",
                    "name",
                    "x",
                    "patch",
                    Map.of("stringData", Map.of("password", VALUE)))),
            problem(
                "k8s.patch",
                Map.of(
                    "kind",
                    "Secret",
                    "name",
                    "x",
                    "patch",
                    "stringData: {password: " + VALUE + "}")),
            problem(
                "k8s.diff",
                Map.of(
                    "tool",
                    "k8s.patch",
                    "args",
                    Map.of(
                        "kind",
                        "Secret",
                        "name",
                        "x",
                        "patch",
                        Map.of("data", Map.of("password", VALUE))))),
            problem(
                "k8s.diff",
                Map.of(
                    "tool",
                    "k8s.patch",
                    "args",
                    "kind: Secret\nname: x\npatch: {data: {password: x}}\n")));
    assertThat(problems)
        .allSatisfy(p -> assertThat(p).contains("rule secret.by-reference").doesNotContain(VALUE));
    assertThat(problems.get(0))
        .startsWith("args.manifest.data.password: a Secret value cannot be sent in a call");
    assertThat(problems.get(6)).startsWith("args.patch.stringData.password: ");
    assertThat(problems.get(8)).startsWith("args.args.patch.data.password: ");
  }

  @Test
  @DisplayName("a reference naming a store or key outside the rules is refused naming the rule")
  void badReferenceNames() {
    Map<String, Object> escaping =
        Map.of("valueFrom", Map.of("secretRef", Map.of("store", "dev", "key", "../../etc/shadow")));
    Map<String, Object> store =
        Map.of("valueFrom", Map.of("secretRef", Map.of("store", "Dev/x", "key", "k")));
    assertThat(
            problem(
                "k8s.apply", Map.of("manifest", secret("Secret", "data", Map.of("p", escaping)))))
        .contains("rule secret-key-name");
    assertThat(
            problem("k8s.apply", Map.of("manifest", secret("Secret", "data", Map.of("p", store)))))
        .contains("rule secret-store-name");
  }
}
