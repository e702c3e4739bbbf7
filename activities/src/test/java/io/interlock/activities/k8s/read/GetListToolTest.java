package io.interlock.activities.k8s.read;

import static io.interlock.activities.k8s.Fixtures.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.activities.k8s.Fixtures;
import io.interlock.activities.k8s.Json;
import io.interlock.activities.tools.ToolContext;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.values.FailureType;
import io.interlock.simcluster.SimulatedCluster;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("k8s.get and k8s.list")
class GetListToolTest {
  SimulatedCluster cluster;
  KubernetesClient client;
  ToolContext ctx;

  @BeforeEach
  void seed() {
    cluster = SimulatedCluster.builder().runController(false).start();
    client = cluster.client();
    ctx = Fixtures.context(client);
    Fixtures.create(client, Fixtures.deployment("shop", "web", 2, "nginx:1.25"));
    Fixtures.secret(client, "shop", "db");
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  static void assertNoSecretValue(JsonNode result) {
    String text = Json.text(result);
    assertThat(text)
        .doesNotContain(Fixtures.SECRET_VALUE)
        .doesNotContain(Base64.getEncoder().encodeToString(Fixtures.SECRET_VALUE.getBytes()));
  }

  @Test
  @DisplayName("given a Deployment, get should return it without managedFields")
  void getsOne() {
    JsonNode d =
        new GetTool().read(ctx, args("kind", "deploy", "namespace", "shop", "name", "web"));

    assertThat(d.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(d.at("/metadata/managedFields").isMissingNode()).isTrue();
  }

  @Test
  @DisplayName("given a Secret, get should show its keys with redacted values")
  void getRedactsSecrets() {
    JsonNode s = new GetTool().read(ctx, args("kind", "Secret", "namespace", "shop", "name", "db"));

    assertThat(s.at("/data/password").asText()).isEqualTo("<redacted>");
    assertNoSecretValue(s);
  }

  @Test
  @DisplayName("given Secrets, list should redact every value")
  void listRedactsSecrets() {
    JsonNode l = new ListTool().read(ctx, args("kind", "secrets", "namespace", "shop"));

    assertThat(l.get("items")).hasSize(1);
    assertThat(l.at("/items/0/data/password").asText()).isEqualTo("<redacted>");
    assertNoSecretValue(l);
  }

  @Test
  @DisplayName("given more objects than the limit, list should show the limit and say what was cut")
  void listIsBounded() {
    for (int i = 0; i < 7; i++) {
      Fixtures.create(client, Fixtures.deployment("shop", "app" + i, 1, "app:1"));
    }

    JsonNode l =
        new ListTool().read(ctx, args("kind", "Deployment", "namespace", "shop", "limit", 3));

    assertThat(l.get("items")).hasSize(3);
    assertThat(l.get("truncated").asText()).startsWith("showing 3 of ");
  }

  @Test
  @DisplayName(
      "given a missing object or an unknown kind, get should fail NOT_FOUND or INVALID_ARGS")
  void badGets() {
    assertThatThrownBy(
            () ->
                new GetTool()
                    .read(ctx, args("kind", "Deployment", "namespace", "shop", "name", "nope")))
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.NOT_FOUND);
    assertThatThrownBy(
            () -> new GetTool().read(ctx, args("kind", "Widget", "namespace", "shop", "name", "x")))
        .hasMessageContaining("unsupported kind 'Widget'")
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.INVALID_ARGS);
  }
}
