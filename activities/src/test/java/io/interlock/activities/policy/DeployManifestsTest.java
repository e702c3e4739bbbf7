package io.interlock.activities.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("deploy/: least-privilege RBAC, no wildcards, no cluster-admin/admin/edit bindings")
class DeployManifestsTest {
  private static final Path DEPLOY = Path.of("../deploy");
  private static final Set<String> FORBIDDEN_ROLES = Set.of("cluster-admin", "admin", "edit");

  /** Every document of every YAML file under deploy/, with the file it came from. */
  record Doc(Path file, JsonNode node) {}

  private static List<Doc> docs;

  @BeforeAll
  static void readAll() throws IOException {
    docs = new ArrayList<>();
    YAMLMapper yaml = new YAMLMapper();
    try (Stream<Path> files = Files.walk(DEPLOY)) {
      for (Path f :
          files
              .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .sorted()
              .toList()) {
        try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(f.toFile())) {
          while (it.hasNext()) {
            JsonNode n = it.next();
            if (n != null && !n.isNull() && !n.isMissingNode()) {
              docs.add(new Doc(f, n));
            }
          }
        }
      }
    }
  }

  private static Stream<Doc> kind(String... kinds) {
    Set<String> wanted = Set.of(kinds);
    return docs.stream().filter(d -> wanted.contains(d.node().path("kind").asText()));
  }

  @Test
  @DisplayName(
      "given deploy/, should contain a ServiceAccount, Roles and bindings to check (not vacuous)")
  void givenDeploy_shouldHaveManifests() {
    assertThat(kind("ServiceAccount")).isNotEmpty();
    assertThat(kind("Role")).hasSizeGreaterThanOrEqualTo(2);
    assertThat(kind("RoleBinding", "ClusterRoleBinding")).isNotEmpty();
  }

  @Test
  @DisplayName(
      "given every Role and ClusterRole, should have no '*' in verbs, resources, apiGroups or nonResourceURLs")
  void givenRoles_shouldHaveNoWildcards() {
    List<String> wildcards = new ArrayList<>();
    kind("Role", "ClusterRole")
        .forEach(
            d -> {
              JsonNode rules = d.node().path("rules");
              for (int i = 0; i < rules.size(); i++) {
                for (String field :
                    List.of(
                        "verbs", "resources", "apiGroups", "nonResourceURLs", "resourceNames")) {
                  for (JsonNode v : rules.get(i).path(field)) {
                    if (v.asText().contains("*")) {
                      wildcards.add(
                          d.file()
                              + " "
                              + d.node().path("metadata").path("name").asText()
                              + " rules["
                              + i
                              + "]."
                              + field);
                    }
                  }
                }
              }
              assertThat(d.node().has("aggregationRule"))
                  .as("%s aggregates other roles", d.file())
                  .isFalse();
            });
    assertThat(wildcards).isEmpty();
  }

  @Test
  @DisplayName("given every binding, should not reference cluster-admin, admin or edit")
  void givenBindings_shouldNotGrantBroadRoles() {
    kind("RoleBinding", "ClusterRoleBinding")
        .forEach(
            d ->
                assertThat(d.node().path("roleRef").path("name").asText())
                    .as("%s %s", d.file(), d.node().path("metadata").path("name").asText())
                    .isNotIn(FORBIDDEN_ROLES));
  }

  @Test
  @DisplayName("given secrets, should be readable only (get/list), never written")
  void givenSecrets_shouldBeReadOnly() {
    kind("Role", "ClusterRole")
        .forEach(
            d ->
                d.node()
                    .path("rules")
                    .forEach(
                        rule -> {
                          boolean secrets = false;
                          for (JsonNode r : rule.path("resources")) {
                            secrets |= r.asText().equals("secrets");
                          }
                          if (secrets) {
                            List<String> verbs = new ArrayList<>();
                            rule.path("verbs").forEach(v -> verbs.add(v.asText()));
                            assertThat(verbs)
                                .as("%s secrets verbs", d.file())
                                .isSubsetOf("get", "list");
                          }
                        }));
  }

  @Test
  @DisplayName(
      "given the prod worker's RBAC, should grant every permission the policy's access review asks for writes")
  void givenProdRbac_shouldCoverTheCatalogsWrites() {
    List<AccessRequest> needed = new ArrayList<>();
    for (String ns : List.of("shop", "payments")) {
      for (String tool :
          List.of(
              "k8s.scale",
              "k8s.set-image",
              "k8s.rollout-restart",
              "k8s.rollout-undo",
              "k8s.patch",
              "k8s.delete")) {
        for (String kind : List.of("Deployment", "StatefulSet", "DaemonSet")) {
          needed.addAll(
              WriteAccess.required(
                  tool, new CallTarget("apps/v1", kind, "x", Set.of(ns), true), true));
        }
      }
      for (String kind : List.of("ConfigMap", "Service", "Deployment")) {
        needed.addAll(
            WriteAccess.required(
                "k8s.apply",
                new CallTarget(
                    kind.equals("Deployment") ? "apps/v1" : "v1", kind, "x", Set.of(ns), false),
                true));
      }
    }
    needed.addAll(
        WriteAccess.required(
            "k8s.cordon", new CallTarget("v1", "Node", "node-1", Set.of(), true), true));
    // DaemonSets have no scale subresource; kubectl cannot scale them either.
    needed.removeIf(r -> "scale".equals(r.subresource()) && r.resource().equals("daemonsets"));

    assertThat(needed).allSatisfy(r -> assertThat(granted(r)).as(r.describe()).isTrue());
  }

  private static boolean granted(AccessRequest r) {
    String resource = r.resource() + (r.subresource() == null ? "" : "/" + r.subresource());
    Stream<Doc> roles =
        r.namespace() == null
            ? kind("ClusterRole")
            : kind("Role")
                .filter(
                    d ->
                        r.namespace().equals(d.node().path("metadata").path("namespace").asText()));
    return roles.anyMatch(
        d -> {
          for (JsonNode rule : d.node().path("rules")) {
            if (contains(rule.path("apiGroups"), r.group())
                && contains(rule.path("resources"), resource)
                && contains(rule.path("verbs"), r.verb())) {
              return true;
            }
          }
          return false;
        });
  }

  private static boolean contains(JsonNode list, String value) {
    for (JsonNode v : list) {
      if (v.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }
}
