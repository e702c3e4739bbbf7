package io.interlock.worker.tasks;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.worker.dev.DevStack;
import io.interlock.worker.dev.InProcessClusterStarter;
import io.interlock.worker.ui.TestDeployments;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/tasks/{id}/steps/{stepId}?waitSeconds=N}: the step, answered once it is final or
 * when N runs out. A wait only reads: it adds nothing to the task's history, runs nothing, and a
 * bad wait is a 4xx that changes nothing.
 */
@QuarkusTest
class StepWaitTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AGENT = "dev-incident-bot";
  private static final String ALICE = "dev-alice";

  @Inject DevStack dev;

  @Test
  @DisplayName("a wait started before the approval answers once, with the verified step")
  void waitAnswersWhenTheStepSettles() throws Exception {
    String name = TestDeployments.ready(dev, "wait");
    String task = start();
    JsonNode write = proposeScale(task, name, 3);
    String stepId = write.path("stepId").asText();

    CompletableFuture<Response> waited =
        CompletableFuture.supplyAsync(() -> step(task, stepId + "?waitSeconds=60"));
    Thread.sleep(300);
    assertThat(waited).as("the wait is still open while the step awaits approval").isNotDone();
    given()
        .auth()
        .oauth2(ALICE)
        .contentType(ContentType.JSON)
        .body(Map.of("callHash", write.path("callHash").asText()))
        .post("/api/tasks/" + task + "/steps/" + stepId + "/approve")
        .then()
        .statusCode(200);

    Response r = waited.get(90, TimeUnit.SECONDS);
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
    JsonNode step = JSON.readTree(r.asString());
    assertThat(step.path("stepId").asText()).isEqualTo(stepId);
    assertThat(step.path("state").asText()).isEqualTo("VERIFIED");
    assertThat(step.path("verification").path("evidence")).isNotEmpty();
    assertThat(mutations(name)).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "waits on a pending step, many at once, answer AWAITING_APPROVAL and add nothing to the task's history")
  void waitingOnlyReads() throws Exception {
    String name = TestDeployments.ready(dev, "wait-idle");
    String task = start();
    String stepId = proposeScale(task, name, 4).path("stepId").asText();
    int before = settledHistoryLength(task);

    for (Response r : concurrently(20, AGENT, "/api/tasks/" + task + "/steps/" + stepId, 2)) {
      assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
      assertThat(r.jsonPath().getString("state")).isEqualTo("AWAITING_APPROVAL");
    }
    assertThat(historyLength(task)).isEqualTo(before);
    assertThat(mutations(name)).isZero();
  }

  @Test
  @DisplayName(
      "one caller opening more waits than its share gets 429 for the rest, while other requests and later waits are served")
  void waitsPerCallerAreBounded() throws Exception {
    String name = TestDeployments.ready(dev, "wait-many");
    String task = start();
    String stepId = proposeScale(task, name, 4).path("stepId").asText();
    int extra = 8;

    List<Response> answers =
        concurrently(
            StepWatch.WAITS_PER_CALLER + extra,
            AGENT,
            "/api/tasks/" + task + "/steps/" + stepId,
            10);
    List<Response> refused = answers.stream().filter(r -> r.statusCode() == 429).toList();
    assertThat(refused).hasSizeGreaterThanOrEqualTo(extra);
    assertThat(answers).allSatisfy(r -> assertThat(r.statusCode()).as(r.asString()).isIn(200, 429));
    for (Response r : refused) {
      assertThat(r.jsonPath().getString("error")).isEqualTo("too many waits open");
      assertErrorBody(r, "429");
    }
    // The refused waits changed nothing, and every permit came back: a new wait is served.
    assertThat(step(task, stepId + "?waitSeconds=1").statusCode()).isEqualTo(200);
    assertThat(mutations(name)).isZero();
  }

  @Test
  @DisplayName(
      "a wait out of range or not a number is a 400, an unknown step a 404 naming it; the task is unchanged")
  void badWaitsAreRefused() throws Exception {
    String name = TestDeployments.ready(dev, "wait-bad");
    String task = start();
    String stepId = proposeScale(task, name, 2).path("stepId").asText();
    int before = settledHistoryLength(task);

    for (String wait : List.of("-1", "61", "100000", "abc", "1.5")) {
      Response r = step(task, stepId + "?waitSeconds=" + wait);
      assertThat(r.statusCode()).as(wait + ": " + r.asString()).isEqualTo(400);
      assertErrorBody(r, wait);
    }
    Response unknown = step(task, "s9");
    assertThat(unknown.statusCode()).as(unknown.asString()).isEqualTo(404);
    assertThat(unknown.jsonPath().getString("error")).contains("has no step 's9'");
    assertErrorBody(unknown, "s9");

    assertThat(historyLength(task)).isEqualTo(before);
    assertThat(step(task, stepId).jsonPath().getString("state")).isEqualTo("AWAITING_APPROVAL");
    assertThat(mutations(name)).isZero();
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** The agent's GET of a step; {@code stepAndQuery} is the step id and any query after it. */
  private static Response step(String task, String stepAndQuery) {
    return given().auth().oauth2(AGENT).get("/api/tasks/" + task + "/steps/" + stepAndQuery);
  }

  /** n waits of the same step at once, each on its own client thread, as they answered. */
  private static List<Response> concurrently(int n, String token, String stepPath, int seconds)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<CompletableFuture<Response>> waits = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        waits.add(
            CompletableFuture.supplyAsync(
                () -> given().auth().oauth2(token).get(stepPath + "?waitSeconds=" + seconds),
                pool));
      }
      List<Response> answers = new ArrayList<>();
      for (CompletableFuture<Response> w : waits) {
        answers.add(w.get(90, TimeUnit.SECONDS));
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void assertErrorBody(Response r, String what) {
    for (String field : List.of("error", "why", "next")) {
      assertThat(r.jsonPath().getString(field)).as(what + " " + field).isNotBlank();
    }
  }

  private static String start() {
    String id = "wait-" + UUID.randomUUID();
    given()
        .auth()
        .oauth2(AGENT)
        .contentType(ContentType.JSON)
        .body(Map.of("taskId", id, "environment", "staging", "goal", "wait for a step"))
        .post("/api/tasks")
        .then()
        .statusCode(201);
    return id;
  }

  private static JsonNode proposeScale(String task, String name, int replicas) throws Exception {
    Response r =
        given()
            .auth()
            .oauth2(AGENT)
            .contentType(ContentType.JSON)
            .body(
                Map.of(
                    "tool",
                    "k8s.scale",
                    "args",
                    Map.of("namespace", "shop", "name", name, "replicas", replicas)))
            .post("/api/tasks/" + task + "/steps");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
    JsonNode step = JSON.readTree(r.asString());
    assertThat(step.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    return step;
  }

  private static int historyLength(String task) throws Exception {
    return history(task).size();
  }

  /**
   * The history's length once nothing is in flight (the approvers' notice activity and the workflow
   * task after it finish after propose answers), so a later length counts only what came after.
   */
  private static int settledHistoryLength(String task) throws Exception {
    for (int i = 0; i < 300; i++) {
      JsonNode events = history(task);
      int workflowTasks = 0;
      int activities = 0;
      for (JsonNode e : events) {
        String type = e.path("eventType").asText();
        workflowTasks += open(type, "WORKFLOW_TASK");
        activities += open(type, "ACTIVITY_TASK");
      }
      if (workflowTasks == 0 && activities == 0) {
        return events.size();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("task " + task + " still had work in flight after 30 s");
  }

  /** +1 for a scheduled workflow or activity task, -1 for its end, 0 for anything else. */
  private static int open(String eventType, String kind) {
    String prefix = "EVENT_TYPE_" + kind + "_";
    if (!eventType.startsWith(prefix)) {
      return 0;
    }
    return switch (eventType.substring(prefix.length())) {
      case "SCHEDULED" -> 1;
      case "COMPLETED", "FAILED", "TIMED_OUT", "CANCELED" -> -1;
      default -> 0;
    };
  }

  private static JsonNode history(String task) throws Exception {
    return JSON.readTree(
            given()
                .auth()
                .oauth2(ALICE)
                .get("/api/tasks/" + task + "/history")
                .then()
                .statusCode(200)
                .extract()
                .asString())
        .path("events");
  }

  private long mutations(String name) {
    return InProcessClusterStarter.of(dev).mutationLog().stream()
        .filter(l -> l.contains("/deployments/" + name) && !l.startsWith("GET"))
        .count();
  }
}
