package io.interlock.worker.tasks;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.worker.dev.DevStack;
import io.interlock.worker.ui.TestDeployments;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Who may read a task: its requester, the approvers of its environment and the policy's reviewers
 * (bundled policy: staging is approved by sre = alice, bob; reviewers are sre-leads = carol).
 * Everyone else — dave (developers), another agent — is answered exactly as for a task that does
 * not exist, on every surface, and nothing they send reaches the task.
 */
@QuarkusTest
class TaskReadAccessTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AGENT = "dev-incident-bot";
  private static final String OTHER_AGENT = "test-other-bot";
  private static final String ALICE = "dev-alice";
  private static final String CAROL = "dev-carol";
  private static final String DAVE = "dev-dave";

  @Inject DevStack dev;

  @TestHTTPResource("/mcp")
  URL mcp;

  @Test
  @DisplayName(
      "requester, approver and reviewer read the task, its audit and history; anyone else gets the unknown-task 404 and changes nothing")
  void outsidersCannotReadATask() throws Exception {
    String name = TestDeployments.ready(dev, "read");
    String task = start(AGENT, "staging", "rotate the ledger's credentials");
    propose(
        AGENT,
        task,
        Map.of(
            "tool",
            "k8s.get",
            "args",
            Map.of("namespace", "shop", "kind", "Deployment", "name", name)));
    JsonNode write =
        propose(
            AGENT,
            task,
            Map.of(
                "tool",
                "k8s.scale",
                "args",
                Map.of("namespace", "shop", "name", name, "replicas", 3)));
    String hash = write.path("callHash").asText();

    for (String reader : List.of(AGENT, ALICE, CAROL)) {
      Response view = given().auth().oauth2(reader).get("/api/tasks/" + task);
      assertThat(view.statusCode()).as(reader).isEqualTo(200);
      assertThat(view.asString()).as(reader).contains(name, "rotate the ledger's credentials");
      given().auth().oauth2(reader).get("/api/tasks/" + task + "/audit").then().statusCode(200);
      given().auth().oauth2(reader).get("/api/tasks/" + task + "/history").then().statusCode(200);
      assertThat(
              given()
                  .auth()
                  .oauth2(reader)
                  .get("/api/tasks/" + task + "/steps/s2")
                  .then()
                  .statusCode(200)
                  .extract()
                  .jsonPath()
                  .getString("state"))
          .as(reader)
          .isEqualTo("AWAITING_APPROVAL");
    }

    for (String outsider : List.of(DAVE, OTHER_AGENT)) {
      for (String path :
          List.of(
              "",
              "/audit",
              "/audit?format=md",
              "/history",
              "/history?run=1",
              "/steps/s2",
              "/steps/s2?waitSeconds=1",
              "/steps/s9")) {
        assertUnknown(
            given().auth().oauth2(outsider).get("/api/tasks/" + task + path),
            task,
            outsider + " GET" + path);
      }
      assertUnknown(
          given()
              .auth()
              .oauth2(outsider)
              .contentType(ContentType.JSON)
              .body(
                  Map.of(
                      "tool",
                      "k8s.get",
                      "args",
                      Map.of("namespace", "shop", "kind", "Deployment", "name", name)))
              .post("/api/tasks/" + task + "/steps"),
          task,
          outsider + " propose");
      assertUnknown(
          given()
              .auth()
              .oauth2(outsider)
              .contentType(ContentType.JSON)
              .body(Map.of("callHash", hash, "reason", "no"))
              .post("/api/tasks/" + task + "/steps/" + write.path("stepId").asText() + "/reject"),
          task,
          outsider + " reject");
      assertUnknown(
          given().auth().oauth2(outsider).post("/api/tasks/" + task + "/finish"),
          task,
          outsider + " finish");
    }
    assertUnknown(
        given()
            .auth()
            .oauth2(DAVE)
            .contentType(ContentType.JSON)
            .body(Map.of("callHash", hash))
            .post("/api/tasks/" + task + "/steps/" + write.path("stepId").asText() + "/approve"),
        task,
        "dave approve");
    // An approver may read the task but not propose to it: she could then approve her own step.
    Response byApprover =
        given()
            .auth()
            .oauth2(ALICE)
            .contentType(ContentType.JSON)
            .body(
                Map.of(
                    "tool",
                    "k8s.scale",
                    "args",
                    Map.of("namespace", "shop", "name", name, "replicas", 5)))
            .post("/api/tasks/" + task + "/steps");
    assertThat(byApprover.statusCode()).isEqualTo(403);
    assertThat(byApprover.jsonPath().getString("error"))
        .contains("only the task's requester (agent:incident-bot) may propose steps");

    // Nothing the outsiders sent reached the task: no refusal recorded, no step added, not
    // finished.
    JsonNode after =
        JSON.readTree(given().auth().oauth2(ALICE).get("/api/tasks/" + task).asString());
    assertThat(after.path("steps")).hasSize(2);
    assertThat(after.path("steps").get(1).path("refusals")).isEmpty();
    assertThat(after.path("steps").get(1).path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(after.path("finishRequested").asBoolean()).isFalse();
  }

  @Test
  @DisplayName("the task list and the approvals inbox show only tasks the caller may read")
  void listsShowOnlyReadableTasks() throws Exception {
    String name = TestDeployments.ready(dev, "list");
    String staging = start(AGENT, "staging", "staging work");
    propose(
        AGENT,
        staging,
        Map.of(
            "tool", "k8s.scale", "args", Map.of("namespace", "shop", "name", name, "replicas", 3)));
    String other = start(OTHER_AGENT, "staging", "the other agent's work");
    propose(
        OTHER_AGENT,
        other,
        Map.of(
            "tool", "k8s.scale", "args", Map.of("namespace", "shop", "name", name, "replicas", 4)));
    String daves = start(DAVE, "dev", "dave's dev change");

    assertThat(taskIds(DAVE, "/api/tasks")).contains(daves).doesNotContain(staging, other);
    assertThat(taskIds(OTHER_AGENT, "/api/tasks")).contains(other).doesNotContain(staging, daves);
    assertThat(taskIds(AGENT, "/api/tasks")).contains(staging).doesNotContain(other, daves);
    assertThat(taskIds(ALICE, "/api/tasks")).contains(staging, other, daves);
    assertThat(taskIds(CAROL, "/api/tasks")).contains(staging, other, daves);
    assertThat(taskIds(CAROL, "/api/tasks?limit=1")).hasSize(1);

    for (String inbox : List.of("/api/approvals", "/api/approvals/summary")) {
      assertThat(taskIds(DAVE, inbox)).as(inbox).doesNotContain(staging, other);
      assertThat(taskIds(OTHER_AGENT, inbox)).as(inbox).contains(other).doesNotContain(staging);
      assertThat(taskIds(AGENT, inbox)).as(inbox).contains(staging).doesNotContain(other);
      assertThat(taskIds(ALICE, inbox)).as(inbox).contains(staging, other);
      JsonNode carols = JSON.readTree(given().auth().oauth2(CAROL).get(inbox).asString());
      assertThat(carols.findValuesAsText("taskId")).as(inbox).contains(staging, other);
      carols.forEach(
          p ->
              assertThat(p.path("canApprove").asBoolean())
                  .as("a reviewer reads, never approves in staging")
                  .isFalse());
    }
  }

  @Test
  @DisplayName(
      "MCP task_status and wait_for_step answer another agent's task as unknown, and still serve the session's own")
  void mcpReadsFollowTheSameRule() throws Exception {
    String name = TestDeployments.ready(dev, "mcp-read");
    String task = start(AGENT, "staging", "logs of the payment run");
    propose(
        AGENT,
        task,
        Map.of(
            "tool",
            "k8s.get",
            "args",
            Map.of("namespace", "shop", "kind", "Deployment", "name", name)));

    HttpResponse<String> init =
        mcp(
            OTHER_AGENT,
            null,
            Map.of(
                "jsonrpc",
                "2.0",
                "id",
                1,
                "method",
                "initialize",
                "params",
                Map.of("protocolVersion", "2025-06-18")));
    String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    for (Map<String, Object> call :
        List.of(
            Map.of("name", "task_status", "arguments", Map.of("taskId", task)),
            Map.of(
                "name",
                "wait_for_step",
                "arguments",
                Map.of("taskId", task, "stepId", "s1", "timeoutSeconds", 1)))) {
      HttpResponse<String> r =
          mcp(
              OTHER_AGENT,
              session,
              Map.of("jsonrpc", "2.0", "id", 2, "method", "tools/call", "params", call));
      JsonNode result = JSON.readTree(r.body()).path("result");
      assertThat(result.path("isError").asBoolean()).as(r.body()).isTrue();
      assertThat(result.path("structuredContent").path("status").asInt())
          .as(r.body())
          .isEqualTo(404);
      assertThat(result.path("structuredContent").path("error").asText())
          .isEqualTo("no task '" + task + "' that you may read");
      assertThat(r.body()).doesNotContain(name, "payment run");
    }
    JsonNode own =
        JSON.readTree(
            mcp(
                    OTHER_AGENT,
                    session,
                    Map.of(
                        "jsonrpc",
                        "2.0",
                        "id",
                        3,
                        "method",
                        "tools/call",
                        "params",
                        Map.of(
                            "name",
                            "k8s_get",
                            "arguments",
                            Map.of("namespace", "shop", "kind", "Deployment", "name", name))))
                .body());
    String ownTask = own.path("result").path("structuredContent").path("taskId").asText();
    JsonNode status =
        JSON.readTree(
                mcp(
                        OTHER_AGENT,
                        session,
                        Map.of(
                            "jsonrpc",
                            "2.0",
                            "id",
                            4,
                            "method",
                            "tools/call",
                            "params",
                            Map.of("name", "task_status", "arguments", Map.of())))
                    .body())
            .path("result");
    assertThat(status.path("isError").asBoolean()).as(status.toString()).isFalse();
    assertThat(status.path("structuredContent").path("taskId").asText()).isEqualTo(ownTask);
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** The answer for a task the caller may not read is the answer for one that does not exist. */
  private static void assertUnknown(Response r, String task, String what) {
    assertThat(r.statusCode()).as(what + ": " + r.asString()).isEqualTo(404);
    String missing = "no-such-" + UUID.randomUUID();
    String unknown =
        given()
            .auth()
            .oauth2(ALICE)
            .get("/api/tasks/" + missing)
            .then()
            .statusCode(404)
            .extract()
            .asString();
    assertThat(r.asString()).as(what).isEqualTo(unknown.replace(missing, task));
    assertThat(r.jsonPath().getString("why")).as(what).isNotBlank();
    assertThat(r.jsonPath().getString("next")).as(what).isNotBlank();
  }

  private static List<String> taskIds(String token, String path) throws Exception {
    return JSON.readTree(
            given().auth().oauth2(token).get(path).then().statusCode(200).extract().asString())
        .findValuesAsText("taskId");
  }

  private static String start(String token, String env, String goal) {
    String id = "read-" + UUID.randomUUID();
    given()
        .auth()
        .oauth2(token)
        .contentType(ContentType.JSON)
        .body(Map.of("taskId", id, "environment", env, "goal", goal))
        .post("/api/tasks")
        .then()
        .statusCode(201);
    return id;
  }

  private static JsonNode propose(String token, String task, Map<String, Object> call)
      throws Exception {
    Response r =
        given()
            .auth()
            .oauth2(token)
            .contentType(ContentType.JSON)
            .body(call)
            .post("/api/tasks/" + task + "/steps");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
    return JSON.readTree(r.asString());
  }

  private HttpResponse<String> mcp(String token, String session, Map<String, Object> body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(mcp.toString()))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("Authorization", "Bearer " + token)
            .header("Interlock-Environment", "staging")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (session != null) {
      b.header("Mcp-Session-Id", session);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
