package io.interlock.worker.tasks;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.contract.commands.TaskRequest;
import io.interlock.worker.ToolCalls;
import io.interlock.worker.dev.DevStack;
import io.interlock.worker.dev.InProcessClusterStarter;
import io.interlock.worker.ui.TestDeployments;
import io.interlock.workflows.AgentTask;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A task closed from outside its own logic — terminated by an operator, timed out by a Temporal
 * timeout its starter set — answers every call with 410 Gone saying what happened, when, by whom
 * and why; its audit and history stay readable, and nothing in it runs.
 */
@QuarkusTest
class ClosedTaskTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AGENT = "dev-incident-bot";
  private static final String ALICE = "dev-alice";
  private static final String DAVE = "dev-dave";

  @Inject DevStack dev;

  @TestHTTPResource("/mcp")
  URL mcp;

  @Test
  @DisplayName(
      "a terminated task answers reads and commands with 410 naming who terminated it, when and why; its record stays readable")
  void terminatedTaskIsGone() throws Exception {
    String name = TestDeployments.ready(dev, "gone");
    String task = start();
    Response proposed = propose(task, ToolCalls.scale("shop", name, 3));
    String hash = proposed.jsonPath().getString("callHash");
    withTemporal("operator@laptop", c -> c.newUntypedWorkflowStub(task).terminate("runaway agent"));

    assertGone(
        given().auth().oauth2(ALICE).get("/api/tasks/" + task),
        task,
        "was terminated",
        "operator@laptop",
        "runaway agent");
    assertGone(
        propose(
            task,
            Map.of(
                "tool",
                "k8s.get",
                "args",
                Map.of("namespace", "shop", "kind", "Deployment", "name", name))),
        task,
        "was terminated",
        "runaway agent");
    assertGone(
        given()
            .auth()
            .oauth2(ALICE)
            .contentType(ContentType.JSON)
            .body(Map.of("callHash", hash))
            .post("/api/tasks/" + task + "/steps/s1/approve"),
        task,
        "was terminated");
    assertGone(
        given()
            .auth()
            .oauth2(ALICE)
            .contentType(ContentType.JSON)
            .body(Map.of("callHash", hash, "reason", "no"))
            .post("/api/tasks/" + task + "/steps/s1/reject"),
        task,
        "was terminated");
    assertGone(
        given().auth().oauth2(AGENT).post("/api/tasks/" + task + "/finish"),
        task,
        "was terminated");
    // Ended or not, someone who may not read it learns nothing, not even that it existed.
    given().auth().oauth2(DAVE).get("/api/tasks/" + task).then().statusCode(404);

    given().auth().oauth2(ALICE).get("/api/tasks/" + task + "/audit").then().statusCode(200);
    given().auth().oauth2(ALICE).get("/api/tasks/" + task + "/history").then().statusCode(200);
    assertThat(
            JSON.readTree(given().auth().oauth2(ALICE).get("/api/approvals").asString())
                .findValuesAsText("taskId"))
        .as("the inbox stops offering what can never run")
        .doesNotContain(task);
    assertThat(mutations(name)).isZero();
  }

  @Test
  @DisplayName(
      "a task whose Temporal execution timeout ran out answers 410 saying it timed out and which timeout")
  void timedOutTaskIsGone() {
    String task = "t-timeout-" + UUID.randomUUID();
    withTemporal(
        "sdk-bot",
        c -> {
          AgentTask stub =
              c.newWorkflowStub(
                  AgentTask.class,
                  WorkflowOptions.newBuilder()
                      .setTaskQueue(AgentTask.TASK_QUEUE)
                      .setWorkflowId(task)
                      .setWorkflowExecutionTimeout(Duration.ofSeconds(2))
                      .build());
          WorkflowClient.start(
              stub::run,
              new TaskRequest(
                  "agent:incident-bot",
                  "staging",
                  "short-lived",
                  null,
                  null,
                  null,
                  null,
                  null,
                  null));
          await("the task timed out")
              .atMost(Duration.ofMinutes(2))
              .until(
                  () ->
                      c.newUntypedWorkflowStub(task)
                          .describe()
                          .getWorkflowExecutionInfo()
                          .getStatus(),
                  s -> s == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT);
        });
    assertGone(
        given().auth().oauth2(AGENT).get("/api/tasks/" + task),
        task,
        "timed out",
        "timeout (PT2S)");
    assertGone(
        propose(
            task,
            Map.of(
                "tool",
                "k8s.get",
                "args",
                Map.of("namespace", "shop", "kind", "Deployment", "name", "web"))),
        task,
        "timed out");
  }

  @Test
  @DisplayName(
      "a completed task still reads (200, COMPLETED), and a command to it answers 410 saying it completed, never a 500")
  void completedTaskRefusesCommands() {
    String task = "t-" + UUID.randomUUID();
    given()
        .auth()
        .oauth2(AGENT)
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "taskId",
                task,
                "environment",
                "staging",
                "goal",
                "nothing to do",
                "finishWhenDone",
                true))
        .post("/api/tasks")
        .then()
        .statusCode(201);
    Response done =
        await("the task completed")
            .atMost(Duration.ofMinutes(2))
            .until(
                () -> given().auth().oauth2(AGENT).get("/api/tasks/" + task),
                r -> r.statusCode() != 200 || r.asString().contains("\"state\":\"COMPLETED\""));
    assertThat(done.statusCode()).as(done.asString()).isEqualTo(200);
    assertGone(
        propose(
            task,
            Map.of(
                "tool",
                "k8s.get",
                "args",
                Map.of("namespace", "shop", "kind", "Deployment", "name", "web"))),
        task,
        "has completed");
    assertGone(
        given().auth().oauth2(AGENT).post("/api/tasks/" + task + "/finish"), task, "has completed");
  }

  @Test
  @DisplayName(
      "MCP: the session's terminated task answers task_status with 410 as a tool error, and the next call starts a fresh task")
  void mcpSessionOutlivesItsTerminatedTask() throws Exception {
    String name = TestDeployments.ready(dev, "mcp-gone");
    String session =
        mcp(
                null,
                Map.of(
                    "jsonrpc",
                    "2.0",
                    "id",
                    1,
                    "method",
                    "initialize",
                    "params",
                    Map.of("protocolVersion", "2025-06-18")))
            .headers()
            .firstValue("Mcp-Session-Id")
            .orElseThrow();
    Map<String, Object> read =
        Map.of(
            "jsonrpc",
            "2.0",
            "id",
            2,
            "method",
            "tools/call",
            "params",
            Map.of(
                "name",
                "k8s_get",
                "arguments",
                Map.of("namespace", "shop", "kind", "Deployment", "name", name)));
    String task =
        JSON.readTree(mcp(session, read).body())
            .path("result")
            .path("structuredContent")
            .path("taskId")
            .asText();
    withTemporal(
        "operator@laptop", c -> c.newUntypedWorkflowStub(task).terminate("session cleanup"));

    JsonNode status =
        JSON.readTree(
                mcp(
                        session,
                        Map.of(
                            "jsonrpc",
                            "2.0",
                            "id",
                            3,
                            "method",
                            "tools/call",
                            "params",
                            Map.of("name", "task_status", "arguments", Map.of())))
                    .body())
            .path("result");
    assertThat(status.path("isError").asBoolean()).as(status.toString()).isTrue();
    assertThat(status.path("structuredContent").path("status").asInt()).isEqualTo(410);
    assertThat(status.path("structuredContent").path("why").asText()).contains("session cleanup");

    JsonNode write =
        JSON.readTree(
                mcp(
                        session,
                        Map.of(
                            "jsonrpc",
                            "2.0",
                            "id",
                            4,
                            "method",
                            "tools/call",
                            "params",
                            Map.of(
                                "name",
                                "k8s_scale",
                                "arguments",
                                Map.of("namespace", "shop", "name", name, "replicas", 3))))
                    .body())
            .path("result")
            .path("structuredContent");
    assertThat(write.path("state").asText()).as(write.toString()).isEqualTo("AWAITING_APPROVAL");
    assertThat(write.path("taskId").asText()).isNotEqualTo(task);
    assertThat(mutations(name)).isZero();
  }

  @Test
  @DisplayName(
      "a task id another chain reuses is judged by that chain: the first requester's propose, sent after it read its own task, answers 404 and reaches neither")
  void reusedTaskIdIsJudgedByItsNewChain() throws Exception {
    String name = TestDeployments.ready(dev, "reused");
    String task = start();
    Map<String, Object> read = ToolCalls.getDeployment("shop", name);
    // The API now knows whose task this id is (the header of this chain).
    propose(task, read).then().statusCode(200);
    withTemporal(
        "sdk-other-bot",
        c -> {
          c.newUntypedWorkflowStub(task).terminate("making room");
          AgentTask other =
              c.newWorkflowStub(
                  AgentTask.class,
                  WorkflowOptions.newBuilder()
                      .setTaskQueue(AgentTask.TASK_QUEUE)
                      .setWorkflowId(task)
                      .setWorkflowIdReusePolicy(
                          WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                      .build());
          WorkflowClient.start(
              other::run,
              new TaskRequest(
                  "agent:other-bot",
                  "staging",
                  "the other agent's task",
                  null,
                  null,
                  null,
                  null,
                  null,
                  null));
        });

    Response refused = propose(task, read);
    assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(404);
    assertThat(refused.jsonPath().getString("error")).startsWith("no task '" + task + "'");
    JsonNode reused =
        JSON.readTree(given().auth().oauth2("test-other-bot").get("/api/tasks/" + task).asString());
    assertThat(reused.path("requester").asText()).isEqualTo("agent:other-bot");
    assertThat(reused.path("steps")).isEmpty();
  }

  @Test
  @DisplayName(
      "a task that continues as new between two commands gets each command exactly once, on its current run: 30 reads across its runs, then the approval")
  void commandsFollowTheTaskAcrossItsRuns() throws Exception {
    String name = TestDeployments.ready(dev, "runs");
    String task = "t-" + UUID.randomUUID();
    // A short history limit: the task continues as new every few reads, after answering one.
    withTemporal(
        "sdk-incident-bot",
        c ->
            WorkflowClient.start(
                c.newWorkflowStub(
                        AgentTask.class,
                        WorkflowOptions.newBuilder()
                            .setTaskQueue(AgentTask.TASK_QUEUE)
                            .setWorkflowId(task)
                            .build())
                    ::run,
                new TaskRequest(
                    "agent:incident-bot", "staging", "g", null, null, null, null, 100, null)));
    Response write = propose(task, ToolCalls.scale("shop", name, 3));
    assertThat(write.statusCode()).as(write.asString()).isEqualTo(200);
    Map<String, Object> read = ToolCalls.getDeployment("shop", name);
    for (int i = 0; i < 30; i++) {
      Response r = propose(task, read);
      assertThat(r.statusCode()).as("read %d: %s", i, r.asString()).isEqualTo(200);
      assertThat(r.jsonPath().getString("state")).isEqualTo("SUCCEEDED");
    }
    given()
        .auth()
        .oauth2(ALICE)
        .contentType(ContentType.JSON)
        .body(Map.of("callHash", write.jsonPath().getString("callHash")))
        .post("/api/tasks/" + task + "/steps/" + write.jsonPath().getString("stepId") + "/approve")
        .then()
        .statusCode(200);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> mutations(name) == 1 && "VERIFIED".equals(stepState(task, "s1")));

    JsonNode audit =
        JSON.readTree(
            given()
                .auth()
                .oauth2(ALICE)
                .get("/api/tasks/" + task + "/audit?format=json")
                .asString());
    assertThat(audit.path("entries").get(0).path("detail").path("runs").size())
        .as("runs")
        .isGreaterThanOrEqualTo(3);
    long reads = 0;
    for (JsonNode e : audit.path("entries")) {
      reads += "READ".equals(e.path("kind").asText()) ? 1 : 0;
    }
    assertThat(reads).as("each read recorded once").isEqualTo(30);
    assertThat(mutations(name)).isEqualTo(1);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static String stepState(String task, String stepId) {
    return given()
        .auth()
        .oauth2(AGENT)
        .get("/api/tasks/" + task + "/steps/" + stepId)
        .jsonPath()
        .getString("state");
  }

  private static void assertGone(Response r, String task, String what, String... whyContains) {
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(410);
    assertThat(r.contentType()).startsWith("application/json");
    assertThat(r.jsonPath().getString("error")).isEqualTo("task '" + task + "' " + what);
    assertThat(r.jsonPath().getString("why")).containsPattern(" at \\d{4}-\\d\\d-\\d\\dT");
    for (String part : whyContains) {
      assertThat(r.jsonPath().getString("why")).contains(part);
    }
    assertThat(r.jsonPath().getString("next"))
        .contains("/api/tasks/" + task + "/audit", "start a new task");
  }

  private static String start() {
    String id = "t-" + UUID.randomUUID();
    given()
        .auth()
        .oauth2(AGENT)
        .contentType(ContentType.JSON)
        .body(Map.of("taskId", id, "environment", "staging", "goal", "g"))
        .post("/api/tasks")
        .then()
        .statusCode(201);
    return id;
  }

  private static Response propose(String task, Map<String, Object> call) {
    return given()
        .auth()
        .oauth2(AGENT)
        .contentType(ContentType.JSON)
        .body(call)
        .post("/api/tasks/" + task + "/steps");
  }

  /** A Temporal client of its own, as an operator or an SDK agent holds one. */
  private void withTemporal(String identity, Consumer<WorkflowClient> use) {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(dev.temporal().target()).build());
    try {
      use.accept(
          WorkflowClient.newInstance(
              stubs, WorkflowClientOptions.newBuilder().setIdentity(identity).build()));
    } finally {
      stubs.shutdown();
    }
  }

  private HttpResponse<String> mcp(String session, Map<String, Object> body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(mcp.toString()))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("Authorization", "Bearer " + AGENT)
            .header("Interlock-Environment", "staging")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (session != null) {
      b.header("Mcp-Session-Id", session);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private long mutations(String name) {
    String path = "/apis/apps/v1/namespaces/shop/deployments/" + name;
    return InProcessClusterStarter.of(dev).mutationLog().stream()
        .filter(l -> l.contains(path) && !l.startsWith("GET"))
        .count();
  }
}
