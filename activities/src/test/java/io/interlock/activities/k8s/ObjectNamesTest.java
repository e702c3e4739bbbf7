package io.interlock.activities.k8s;

import static io.interlock.activities.k8s.Fixtures.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.interlock.activities.ToolActivitiesImpl;
import io.interlock.contract.commands.ToolCall;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Object names and namespaces obey Kubernetes' rules before they reach a URL")
class ObjectNamesTest extends DemoClusterTest {
  /**
   * Each would change the request path or drop its query ('#' drops ?dryRun=All), or is not a
   * Kubernetes name.
   */
  static final List<String> BAD_NAMES =
      List.of(
          "web#x",
          "web?dryRun=All",
          "shop/web",
          "..",
          "a..b",
          "web/../../secrets/api-credentials",
          "Web",
          "web ",
          "-web",
          "web.",
          "x".repeat(254));

  static final List<String> BAD_NAMESPACES =
      List.of("shop#", "shop?x=1", "shop/x", "..", "sh.op", "Shop", "x".repeat(64));

  static Map<String, Object> configMap(String namespace, String name) {
    return map(
        "apiVersion",
        "v1",
        "kind",
        "ConfigMap",
        "metadata",
        map("name", name, "namespace", namespace),
        "data",
        map("k", "v"));
  }

  List<String> problems(ToolCall call) {
    return registry.resolve(call).problems();
  }

  @Test
  @DisplayName(
      "given a name with '#', '?', '/', '..', upper case or over 253 characters, the schema should refuse it naming the field and the rule, and nothing mutates")
  void badNamesRefusedBySchema() {
    ToolActivitiesImpl activities = new ToolActivitiesImpl(registry, ctx);
    for (String bad : BAD_NAMES) {
      List<ToolCall> calls =
          List.of(
              new ToolCall("k8s.scale", map("namespace", "shop", "name", bad, "replicas", 3)),
              new ToolCall("k8s.apply", map("manifest", configMap("shop", bad))),
              new ToolCall("k8s.diff", map("manifest", configMap("shop", bad))),
              new ToolCall(
                  "k8s.diff",
                  map(
                      "tool",
                      "k8s.delete",
                      "args",
                      map("kind", "ConfigMap", "namespace", "shop", "name", bad))));
      for (ToolCall call : calls) {
        assertThat(problems(call))
            .as("%s %s", call.tool(), bad)
            .singleElement()
            .asString()
            .containsAnyOf("args.name: ", "metadata.name: ")
            .contains("rule dns-1123-subdomain")
            .contains("kubectl get");
      }
      assertThat(problems(calls.get(1)))
          .singleElement()
          .asString()
          .startsWith("args.manifest.metadata.name: ");
      assertThatThrownBy(() -> activities.preview("test", calls.get(1)))
          .isInstanceOf(ApplicationFailure.class)
          .hasMessageContaining("dns-1123-subdomain");
    }
    assertThat(cluster.mutations()).isZero();
  }

  @Test
  @DisplayName(
      "given a namespace with '#', '/', '.', upper case or over 63 characters, the schema should refuse it naming the rule")
  void badNamespacesRefusedBySchema() {
    for (String bad : BAD_NAMESPACES) {
      assertThat(
              problems(
                  new ToolCall(
                      "k8s.get", map("kind", "ConfigMap", "namespace", bad, "name", "web-config"))))
          .as(bad)
          .singleElement()
          .asString()
          .startsWith("args.namespace: ")
          .contains("rule dns-1123-label");
      assertThat(problems(new ToolCall("k8s.apply", map("manifest", configMap(bad, "flags")))))
          .as(bad)
          .singleElement()
          .asString()
          .startsWith("args.manifest.metadata.namespace: ")
          .contains("rule dns-1123-label");
    }
    assertThat(cluster.mutations()).isZero();
  }

  @Test
  @DisplayName(
      "given names Kubernetes accepts (dots, dashes, 253 characters), the schema should accept them")
  void goodNamesAccepted() {
    String longest =
        String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61));
    assertThat(longest).hasSize(253);
    for (String good : List.of("web", "web-config", "a.b-c.d", "0x", longest)) {
      assertThat(problems(new ToolCall("k8s.apply", map("manifest", configMap("shop", good)))))
          .as(good)
          .isEmpty();
      assertThat(
              problems(
                  new ToolCall("k8s.scale", map("namespace", "shop", "name", good, "replicas", 1))))
          .as(good)
          .isEmpty();
    }
    assertThat(
            problems(
                new ToolCall(
                    "k8s.get", map("kind", "ConfigMap", "namespace", "a".repeat(63), "name", "x"))))
        .isEmpty();
  }

  @Test
  @DisplayName(
      "a name in a request path is escaped as one path segment, and '.' or '..' is refused")
  void pathsEscapeSegments() {
    Kind configMaps = Kinds.of("ConfigMap");
    assertThat(configMaps.path("shop", "a#b?c/d%e f"))
        .isEqualTo("/api/v1/namespaces/shop/configmaps/a%23b%3Fc%2Fd%25e%20f");
    assertThat(Kinds.of("Deployment").path("shop", "web"))
        .isEqualTo("/apis/apps/v1/namespaces/shop/deployments/web");
    assertThatThrownBy(() -> configMaps.path("shop", ".."))
        .hasMessageContaining("path-segment-name");
  }

  @Test
  @DisplayName(
      "a target (what every tool acts on) cannot be made with a name or namespace outside the rules, whatever path led there")
  void targetsRefuseBadNames() {
    assertThatThrownBy(() -> new Target(Kinds.of("ConfigMap"), "shop", "web-config/../secrets"))
        .hasMessageContaining(
            "ConfigMap 'web-config/../secrets' is not a valid object name (rule dns-1123-subdomain");
    assertThatThrownBy(() -> new Target(Kinds.of("ConfigMap"), "shop#", "web-config"))
        .hasMessageContaining("rule dns-1123-label");
    assertThat(new Target(Kinds.of("Node"), null, "node-1").path()).isEqualTo("node-1");
  }
}
