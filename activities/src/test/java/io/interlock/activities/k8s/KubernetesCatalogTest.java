package io.interlock.activities.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.activities.tools.Tool;
import io.interlock.activities.tools.ToolRegistry;
import io.interlock.contract.values.Effect;
import io.interlock.contract.values.ToolSpec;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("KubernetesCatalog")
class KubernetesCatalogTest {
  static final List<String> READS =
      List.of(
          "k8s.get",
          "k8s.list",
          "k8s.describe",
          "k8s.logs",
          "k8s.events",
          "k8s.rollout-status",
          "k8s.rollout-history",
          "k8s.diff");
  static final List<String> WRITES =
      List.of(
          "k8s.apply",
          "k8s.patch",
          "k8s.scale",
          "k8s.set-image",
          "k8s.rollout-restart",
          "k8s.rollout-undo",
          "k8s.delete",
          "k8s.cordon",
          "k8s.uncordon");

  final Map<String, ToolSpec> specs =
      KubernetesCatalog.registry().catalog().stream()
          .collect(Collectors.toMap(ToolSpec::name, Function.identity()));

  @Test
  @DisplayName("should hold exactly the contract's tool names, reads as READ and writes as WRITE")
  void namesAndEffects() {
    assertThat(specs.keySet())
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.Stream.concat(READS.stream(), WRITES.stream()).toList());
    READS.forEach(n -> assertThat(specs.get(n).effect()).as(n).isEqualTo(Effect.READ));
    WRITES.forEach(n -> assertThat(specs.get(n).effect()).as(n).isEqualTo(Effect.WRITE));
  }

  @Test
  @DisplayName("should describe every tool, its verification and its argument schema")
  void described() {
    for (ToolSpec s : specs.values()) {
      assertThat(s.description()).as(s.name()).hasSizeGreaterThan(30);
      assertThat(s.argsSchema().path("properties").size()).as(s.name()).isPositive();
      assertThat(s.argsSchema().path("additionalProperties").asBoolean(true)).isFalse();
      if (s.effect() == Effect.WRITE) {
        assertThat(s.verification()).as(s.name()).doesNotStartWith("read");
      }
    }
    assertThat(specs.get("k8s.scale").argsSchema().at("/properties/replicas/maximum").asInt())
        .isEqualTo(1000);
  }

  @Test
  @DisplayName(
      "should flag delete and rollout-undo destructive, and only the convergent writes idempotent")
  void flags() {
    assertThat(specs.get("k8s.delete").destructive()).isTrue();
    assertThat(specs.get("k8s.rollout-undo").destructive()).isTrue();
    for (String n :
        List.of(
            "k8s.apply", "k8s.scale", "k8s.set-image", "k8s.cordon", "k8s.uncordon", "k8s.patch")) {
      assertThat(specs.get(n).idempotent()).as(n).isTrue();
    }
    for (String n : List.of("k8s.rollout-restart", "k8s.rollout-undo", "k8s.delete")) {
      assertThat(specs.get(n).idempotent()).as(n).isFalse();
    }
    assertThat(KubernetesCatalog.all()).extracting(Tool::name).doesNotHaveDuplicates();
    assertThat(ToolRegistry.effectOf(KubernetesCatalog.writes().get(0))).isEqualTo(Effect.WRITE);
  }
}
