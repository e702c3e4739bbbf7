package io.interlock.activities.k8s.read;

import static io.interlock.activities.k8s.Fixtures.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.interlock.activities.k8s.DemoClusterTest;
import io.interlock.activities.tools.ReadTool;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.FailureType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("k8s read tools on the simulated cluster")
class ReadToolsTest extends DemoClusterTest {

  JsonNode read(String tool, Object... args) {
    ToolCall call = new ToolCall(tool, map(args));
    return ((ReadTool) registry.find(tool).orElseThrow()).read(ctx, valid(call));
  }

  @Test
  @DisplayName(
      "given a rolled-out Deployment, describe should show the object, its rollout, pods and events")
  void describe() {
    client
        .v1()
        .events()
        .inNamespace("shop")
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName("web.1")
                .withNamespace("shop")
                .endMetadata()
                .withNewInvolvedObject()
                .withKind("Deployment")
                .withName("web")
                .withNamespace("shop")
                .endInvolvedObject()
                .withType("Normal")
                .withReason("ScalingReplicaSet")
                .withMessage("Scaled up replica set web-1 to 2")
                .withLastTimestamp("2026-01-01T00:00:00Z")
                .build())
        .create();

    JsonNode d = read("k8s.describe", "kind", "Deployment", "namespace", "shop", "name", "web");

    assertThat(d.at("/object/spec/replicas").asInt()).isEqualTo(2);
    assertThat(d.at("/rollout/status").asText()).isEqualTo("REACHED");
    assertThat(d.get("pods")).hasSize(2);
    assertThat(d.at("/pods/0/ready").asBoolean()).isTrue();
    assertThat(d.at("/events/0/reason").asText()).isEqualTo("ScalingReplicaSet");
  }

  @Test
  @DisplayName(
      "given a crash-looping Deployment, rollout-status should be FAILED and logs should show the crash, tail-limited")
  void rolloutStatusAndLogs() {
    approveAndRun(
        new ToolCall(
            "k8s.set-image", map("namespace", "shop", "name", "web", "image", "nginx:crashloop")));
    settle();

    JsonNode status = read("k8s.rollout-status", "namespace", "shop", "name", "web");
    assertThat(status.get("status").asText()).isEqualTo("FAILED");
    assertThat(status.get("evidence").toString()).contains("CrashLoopBackOff");

    String pod =
        client.pods().inNamespace("shop").withLabel("app", "web").list().getItems().stream()
            .filter(p -> p.getSpec().getContainers().get(0).getImage().equals("nginx:crashloop"))
            .findFirst()
            .orElseThrow()
            .getMetadata()
            .getName();
    JsonNode logs = read("k8s.logs", "namespace", "shop", "name", pod, "tailLines", 1);
    assertThat(logs.get("log").asText()).contains("fatal error").doesNotContain("starting");
    assertThat(logs.get("lines").asInt()).isEqualTo(1);
    assertThat(logs.get("truncated").asText()).contains("last 1 lines");
  }

  @Test
  @DisplayName(
      "given a healthy StatefulSet, rollout-status should be done and rollout-history should list its revision")
  void statefulSetStatusAndHistory() {
    assertThat(
            read("k8s.rollout-status", "kind", "StatefulSet", "namespace", "shop", "name", "db")
                .get("done")
                .asBoolean())
        .isTrue();
    JsonNode h =
        read("k8s.rollout-history", "kind", "StatefulSet", "namespace", "shop", "name", "db");
    assertThat(h.get("revisions")).hasSize(1);
    assertThat(h.at("/revisions/0/images/0").asText()).isEqualTo("postgres=postgres:16");
  }

  @Test
  @DisplayName("given events, k8s.events should filter by object and type and cap the count")
  void events() {
    for (int i = 0; i < 5; i++) {
      client
          .v1()
          .events()
          .inNamespace("shop")
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName("api." + i)
                  .withNamespace("shop")
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withKind("Pod")
                  .withName("api-x")
                  .withNamespace("shop")
                  .endInvolvedObject()
                  .withType(i == 4 ? "Warning" : "Normal")
                  .withReason(i == 4 ? "BackOff" : "Pulled")
                  .withMessage("m" + i)
                  .withLastTimestamp("2026-01-01T00:00:0" + i + "Z")
                  .build())
          .create();
    }

    JsonNode all =
        read("k8s.events", "namespace", "shop", "kind", "Pod", "name", "api-x", "limit", 2);
    assertThat(all.get("events")).hasSize(2);
    assertThat(all.at("/events/0/reason").asText()).isEqualTo("BackOff");
    assertThat(all.get("truncated").asText()).contains("2 most recent of 5");
    assertThat(read("k8s.events", "namespace", "shop", "type", "Warning").get("events")).hasSize(1);
  }

  @Test
  @DisplayName(
      "given a would-be call or a manifest, k8s.diff should show the change without mutating anything")
  void diff() {
    long before = cluster.mutations();

    JsonNode byCall =
        read(
            "k8s.diff",
            "tool",
            "k8s.scale",
            "args",
            map("namespace", "shop", "name", "web", "replicas", 5));
    JsonNode byManifest =
        read(
            "k8s.diff",
            "manifest",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config, namespace: shop}\ndata: {NEW_FLAG: \"on\"}\n");

    assertThat(byCall.get("summary").asText())
        .isEqualTo("scale Deployment shop/web replicas 2 -> 5");
    assertThat(byCall.get("diff").asText()).contains("+  replicas: 5");
    assertThat(byManifest.get("diff").asText()).contains("+  NEW_FLAG: \"on\"");
    assertThatThrownBy(
            () ->
                read(
                    "k8s.diff",
                    "manifest",
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config, namespace: shop}\ndata: {FEATURE_FLAGS: x}\n"))
        .hasMessageContaining("kubectl-client-side-apply")
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.CONFLICT);
    assertThat(cluster.mutations()).isEqualTo(before);
    // The would-be call is checked by the schema, before anything runs.
    assertThat(
            registry
                .resolve(new ToolCall("k8s.diff", map("tool", "k8s.get", "args", map())))
                .problems())
        .singleElement()
        .asString()
        .contains("'k8s.get' is not a k8s write tool");
    assertThat(
            registry
                .resolve(
                    new ToolCall(
                        "k8s.diff",
                        map("tool", "k8s.scale", "args", map("name", "web", "replicas", 5000))))
                .problems())
        .singleElement()
        .asString()
        .contains("k8s.scale: args.replicas");
  }

  @Test
  @DisplayName(
      "given a Node or a workload of the wrong kind, reads should answer or refuse clearly")
  void kinds() {
    assertThat(read("k8s.get", "kind", "no", "name", "node-1").at("/metadata/name").asText())
        .isEqualTo("node-1");
    assertThat(read("k8s.list", "kind", "Node").get("items")).hasSize(3);
    assertThatThrownBy(
            () ->
                read(
                    "k8s.rollout-status",
                    "kind",
                    "ConfigMap",
                    "namespace",
                    "shop",
                    "name",
                    "web-config"))
        .hasMessageContaining("args.kind");
  }

  @Test
  @DisplayName(
      "given objects larger than the payload cap, get and list should stay under it and say what was cut")
  void payloadsStayBounded() {
    String big = "x".repeat(300 * 1024);
    for (int i = 0; i < 3; i++) {
      client
          .configMaps()
          .inNamespace("shop")
          .resource(
              new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("big-" + i)
                  .withNamespace("shop")
                  .endMetadata()
                  .addToData("blob", big)
                  .build())
          .create();
    }
    var sizeLimit = io.interlock.activities.k8s.Bounded.MAX_BYTES;

    JsonNode one = read("k8s.get", "kind", "ConfigMap", "namespace", "shop", "name", "big-0");
    JsonNode list = read("k8s.list", "kind", "ConfigMap", "namespace", "shop");

    assertThat(io.interlock.activities.k8s.Bounded.size(one)).isLessThan(sizeLimit);
    assertThat(one.get("truncated").asText()).contains("exceeds the " + sizeLimit + " byte cap");
    assertThat(io.interlock.activities.k8s.Bounded.size(list)).isLessThan(sizeLimit);
    assertThat(list.get("truncated").asText()).contains("byte cap");
  }
}
