package io.interlock.worker.notify;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.interlock.worker.FreePorts;
import io.interlock.worker.dev.DevStack;
import io.interlock.worker.dev.InProcessClusterStarter;
import io.interlock.worker.ui.TestDeployments;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The running server with {@code interlock.notify.webhook-url} pointing at a local receiver: a
 * write that starts waiting is announced as Slack JSON, and when the receiver fails the task goes
 * on.
 */
@QuarkusTest
@TestProfile(WebhookFlowTest.Receiving.class)
class WebhookFlowTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * JVM-wide, so the profile and the test (different class loaders) agree; outside "interlock.",
   * which Quarkus validates.
   */
  private static final String PORT_PROPERTY = "webhook-flow-test.port";

  private static final List<String> RECEIVED = new CopyOnWriteArrayList<>();
  private static final AtomicInteger ANSWER = new AtomicInteger(200);
  private static HttpServer receiver;

  @Inject DevStack dev;

  public static class Receiving implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "interlock.notify.webhook-url",
          "http://127.0.0.1:" + port() + "/hook",
          "interlock.notify.public-url",
          "http://interlock.test",
          "interlock.notify.timeout",
          "2s");
    }
  }

  static synchronized int port() {
    String p = System.getProperty(PORT_PROPERTY);
    if (p == null) {
      // The receiver binds it only once the app started: a port-0 pick could be taken by then.
      p = String.valueOf(FreePorts.of(1)[0]);
      System.setProperty(PORT_PROPERTY, p);
    }
    return Integer.parseInt(p);
  }

  @BeforeAll
  static void listen() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", port()), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          RECEIVED.add(
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(ANSWER.get(), -1);
          exchange.close();
        });
    receiver.start();
  }

  @AfterAll
  static void close() {
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  @Test
  @DisplayName(
      "a write waiting for approval is posted as Slack JSON with the call, diff and link; a failing hook does not stop the next write")
  void webhookAnnouncesAndNeverBlocks() throws Exception {
    String name = TestDeployments.ready(dev, "hook");
    String task = start();
    JsonNode step = propose(task, name, 3);
    assertThat(step.path("state").asText()).isEqualTo("AWAITING_APPROVAL");

    JsonNode message =
        await("the webhook post for " + task)
            .atMost(Duration.ofSeconds(90))
            .until(() -> find(task, "Approval needed"), m -> m != null);
    assertThat(message.path("text").asText())
        .contains("staging", "agent:incident-bot", "http://interlock.test/task.html?id=" + task);
    assertThat(message.path("blocks").toString())
        .contains(
            "k8s.scale",
            "Deployment shop/" + name,
            "+  replicas: 3",
            step.path("callHash").asText());

    // The receiver now fails: the next write still waits, is approved, runs and verifies.
    ANSWER.set(500);
    int before = RECEIVED.size();
    approve(task, "s1", step.path("callHash").asText());
    awaitStep(task, "s1", "VERIFIED");
    JsonNode second = propose(task, name, 4);
    assertThat(second.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    await("the failed post reaching the receiver")
        .atMost(Duration.ofSeconds(90))
        .until(RECEIVED::size, n -> n > before);
    approve(task, "s2", second.path("callHash").asText());
    JsonNode verified = awaitStep(task, "s2", "VERIFIED");
    assertThat(verified.path("verification").path("verdict").asText()).isEqualTo("VERIFIED");
    assertThat(
            InProcessClusterStarter.of(dev)
                .client()
                .apps()
                .deployments()
                .inNamespace("shop")
                .withName(name)
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(4);
    // The inbox was still kept: the approved step left it even though its notification failed.
    assertThat(given().auth().oauth2("dev-alice").get("/api/approvals").asString())
        .doesNotContain(task);
  }

  private JsonNode find(String task, String marker) {
    for (String body : RECEIVED) {
      if (body.contains(task) && body.contains(marker)) {
        try {
          return JSON.readTree(body);
        } catch (IOException e) {
          throw new AssertionError("the webhook body is not JSON: " + body, e);
        }
      }
    }
    return null;
  }

  private static String start() {
    String id = "hook-" + UUID.randomUUID();
    given()
        .auth()
        .oauth2("dev-incident-bot")
        .contentType(ContentType.JSON)
        .body(Map.of("taskId", id, "environment", "staging", "goal", "webhook check"))
        .post("/api/tasks")
        .then()
        .statusCode(201);
    return id;
  }

  private static JsonNode propose(String task, String name, int replicas) throws IOException {
    String body =
        given()
            .auth()
            .oauth2("dev-incident-bot")
            .contentType(ContentType.JSON)
            .body(
                Map.of(
                    "tool",
                    "k8s.scale",
                    "args",
                    Map.of("namespace", "shop", "name", name, "replicas", replicas)))
            .post("/api/tasks/" + task + "/steps")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    return JSON.readTree(body);
  }

  private static void approve(String task, String step, String hash) {
    given()
        .auth()
        .oauth2("dev-alice")
        .contentType(ContentType.JSON)
        .body(Map.of("callHash", hash))
        .post("/api/tasks/" + task + "/steps/" + step + "/approve")
        .then()
        .statusCode(200);
  }

  private static JsonNode awaitStep(String task, String step, String state) {
    return await(task + "/" + step + " " + state)
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              try {
                JsonNode t =
                    JSON.readTree(
                        given().auth().oauth2("dev-alice").get("/api/tasks/" + task).asString());
                for (JsonNode s : t.path("steps")) {
                  if (s.path("stepId").asText().equals(step)) {
                    return s;
                  }
                }
                return JSON.createObjectNode();
              } catch (IOException e) {
                throw new AssertionError(e);
              }
            },
            s ->
                s.path("state").asText().equals(state)
                    || s.path("state").asText().equals("FAILED"));
  }
}
