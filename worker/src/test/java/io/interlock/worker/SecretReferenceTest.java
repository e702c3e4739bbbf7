package io.interlock.worker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.worker.config.InterlockConfig;
import io.interlock.worker.dev.DevStack;
import io.interlock.worker.dev.InProcessClusterStarter;
import io.interlock.worker.proof.KeyReference;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The dev server's secret store, end to end over REST: the cluster gets the value, the audit never
 * does.
 */
@QuarkusTest
class SecretReferenceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AGENT = "dev-incident-bot";
  private static final String ALICE = "dev-alice";

  @Inject DevStack dev;
  @Inject InterlockConfig config;

  private final String value = "s3cr3t-" + UUID.randomUUID();
  private final String valueBase64 =
      Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));

  private static Map<String, Object> applySecret(String name, Object password) {
    return Map.of(
        "tool",
        "k8s.apply",
        "args",
        Map.of(
            "manifest",
            Map.of(
                "apiVersion",
                "v1",
                "kind",
                "Secret",
                "metadata",
                Map.of("name", name, "namespace", "shop"),
                "data",
                Map.of("password", password))));
  }

  private static String start() {
    String id = "t-" + UUID.randomUUID();
    given()
        .auth()
        .oauth2(AGENT)
        .contentType(ContentType.JSON)
        .body(Map.of("taskId", id, "environment", "staging", "goal", "rotate the ledger password"))
        .post("/api/tasks")
        .then()
        .statusCode(201);
    return id;
  }

  /** Every text of the raw history, each Temporal payload (base64 JSON) decoded as well. */
  private static String historyText(String task) throws Exception {
    StringBuilder out = new StringBuilder();
    collect(
        JSON.readTree(
            given()
                .auth()
                .oauth2(ALICE)
                .get("/api/tasks/" + task + "/history")
                .then()
                .statusCode(200)
                .extract()
                .asString()),
        out);
    return out.toString();
  }

  private static void collect(JsonNode node, StringBuilder out) {
    if (node.isTextual()) {
      out.append(node.asText()).append('\n');
      try {
        out.append(new String(Base64.getDecoder().decode(node.asText()), StandardCharsets.UTF_8))
            .append('\n');
      } catch (IllegalArgumentException notBase64) {
        // Plain text, already collected.
      }
    }
    node.forEach(child -> collect(child, out));
  }

  @Test
  @DisplayName(
      "a Secret applied by reference to the dev store reaches the cluster; the history, audit and status hold only the reference; a literal is refused")
  void devStoreByReference() throws Exception {
    Path store = KeyReference.path(config.dev().secretsDir());
    Files.writeString(store.resolve("ledger-password"), value);
    assertThat(KeyReference.read(config.secrets().digestKey()))
        .as("dev mode made the digest key")
        .isPresent();
    String task = start();

    Response proposed =
        given()
            .auth()
            .oauth2(AGENT)
            .contentType(ContentType.JSON)
            .body(
                applySecret(
                    "ledger-credentials",
                    Map.of(
                        "valueFrom",
                        Map.of("secretRef", Map.of("store", "dev", "key", "ledger-password")))))
            .post("/api/tasks/" + task + "/steps");
    assertThat(proposed.statusCode()).as(proposed.asString()).isEqualTo(200);
    JsonNode step = JSON.readTree(proposed.asString());
    assertThat(step.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(step.at("/preview/target/sources").has("secretRef dev/ledger-password")).isTrue();
    given()
        .auth()
        .oauth2(ALICE)
        .contentType(ContentType.JSON)
        .body(Map.of("callHash", step.path("callHash").asText()))
        .post("/api/tasks/" + task + "/steps/s1/approve")
        .then()
        .statusCode(200);
    await("s1 verified")
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> given().auth().oauth2(ALICE).get("/api/tasks/" + task).asString(),
            s -> s.contains("\"VERIFIED\"") || s.contains("\"FAILED\""));

    assertThat(
            InProcessClusterStarter.of(dev)
                .client()
                .secrets()
                .inNamespace("shop")
                .withName("ledger-credentials")
                .get()
                .getData())
        .containsEntry("password", valueBase64);
    Response literal =
        given()
            .auth()
            .oauth2(AGENT)
            .contentType(ContentType.JSON)
            .body(applySecret("ledger-literal", valueBase64))
            .post("/api/tasks/" + task + "/steps");
    assertThat(literal.statusCode()).isEqualTo(409);
    assertThat(literal.asString()).contains("rule secret.by-reference").doesNotContain(valueBase64);
    String audit =
        given()
            .auth()
            .oauth2(ALICE)
            .get("/api/tasks/" + task + "/audit?format=json")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    String status = given().auth().oauth2(ALICE).get("/api/tasks/" + task).asString();
    assertThat(historyText(task)).contains("ledger-password").doesNotContain(value, valueBase64);
    assertThat(audit + status).contains("VERIFIED").doesNotContain(value, valueBase64);
    assertThat(
            InProcessClusterStarter.of(dev)
                .client()
                .secrets()
                .inNamespace("shop")
                .withName("ledger-literal")
                .get())
        .isNull();
  }
}
