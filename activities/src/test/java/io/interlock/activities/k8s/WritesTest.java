package io.interlock.activities.k8s;

import static io.interlock.activities.k8s.Fixtures.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.interlock.activities.ToolActivitiesImpl;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.activities.ExecuteRequest;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.Preview;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("guarded writes and the activity wiring")
class WritesTest extends DemoClusterTest {

  @Test
  @DisplayName(
      "given a resourceVersion that changed after the check, the server's 409 should become TARGET_CHANGED naming both versions")
  void serverConflictIsTargetChanged() {
    Target web = new Target(Kinds.of("Deployment"), "shop", "web");
    JsonNode live = web.require(client);
    String stale = Json.at(live, "/metadata/resourceVersion");
    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("web")
        .edit(
            d -> {
              d.getSpec().setMinReadySeconds(5);
              return d;
            });
    ObjectNode intended = live.deepCopy();
    ((ObjectNode) intended.get("spec")).put("replicas", 9);
    long before = cluster.mutations();

    assertThatThrownBy(() -> Writes.update(client, web, intended, stale))
        .hasMessageStartingWith(
            "target changed since approval: resourceVersion was " + stale + ", now ")
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.TARGET_CHANGED);
    assertThat(cluster.mutations()).isEqualTo(before);
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
      "given the API server's refusals (a stale resourceVersion, fields another manager owns), the failure should keep the server's answer as its cause, through the activity too")
  void refusalsKeepTheServersAnswer() {
    Target web = new Target(Kinds.of("Deployment"), "shop", "web");
    JsonNode live = web.require(client);
    String stale = Json.at(live, "/metadata/resourceVersion");
    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("web")
        .edit(
            d -> {
              d.getSpec().setMinReadySeconds(7);
              return d;
            });
    assertThatThrownBy(() -> Writes.update(client, web, live, stale))
        .isInstanceOf(ToolException.class)
        .cause()
        .isInstanceOfSatisfying(
            KubernetesClientException.class, c -> assertThat(c.getCode()).isEqualTo(409));

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
    ToolCall apply =
        new ToolCall(
            "k8s.apply",
            map(
                "manifest",
                map(
                    "apiVersion",
                    "v1",
                    "kind",
                    "ConfigMap",
                    "metadata",
                    map("name", "flags", "namespace", "shop"),
                    "data",
                    map("checkout", "v2"))));
    assertThatThrownBy(() -> new ToolActivitiesImpl(registry, ctx).preview("test", apply))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo("CONFLICT");
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f).hasMessageContaining("helm");
              assertThat(f.getCause())
                  .isInstanceOfSatisfying(
                      KubernetesClientException.class, c -> assertThat(c.getCode()).isEqualTo(409));
            });
  }

  @Test
  @DisplayName(
      "given the catalog behind ToolActivitiesImpl, a read is redacted, a write runs only as a write, and changed targets fail non-retryably")
  void throughActivities() {
    ToolActivitiesImpl activities = new ToolActivitiesImpl(registry, ctx);
    ToolCall get =
        new ToolCall(
            "k8s.get", map("kind", "Secret", "namespace", "shop", "name", "api-credentials"));
    ToolCall scale =
        new ToolCall("k8s.scale", map("namespace", "shop", "name", "web", "replicas", 3));

    assertThat(Json.text(activities.read("test", get))).doesNotContain(PASSWORD_B64);
    assertThatThrownBy(() -> activities.read("test", scale)).isInstanceOf(ApplicationFailure.class);
    Preview p = activities.preview("test", scale);
    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("web")
        .edit(
            d -> {
              d.getSpec().setMinReadySeconds(5);
              return d;
            });
    assertThatThrownBy(
            () ->
                activities.execute(
                    new ExecuteRequest("t", "s1", "test", scale, p.target(), "sha256:x")))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo("TARGET_CHANGED");
              assertThat(f.isNonRetryable()).isTrue();
            });
    Execution e =
        activities.execute(
            new ExecuteRequest(
                "t", "s2", "test", scale, activities.preview("test", scale).target(), "sha256:y"));
    assertThat(e.after().at("/spec/replicas").asInt()).isEqualTo(3);
  }
}
