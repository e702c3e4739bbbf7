package io.interlock.worker.mcp;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.worker.dev.DevStack;
import io.interlock.worker.dev.InProcessClusterStarter;
import io.interlock.worker.ui.TestDeployments;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * An MCP client over plain HTTP against the running dev stack: the handshake, the catalog as MCP
 * tools with the registry's schemas and hints, a read that runs, a write that only waits, and no
 * way for the agent to approve.
 */
@QuarkusTest
class McpEndpointTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AGENT = "dev-incident-bot";

  @Inject DevStack dev;

  @TestHTTPResource("/mcp")
  URL mcp;

  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger ids = new AtomicInteger();

  @Test
  @DisplayName(
      "an agent connects, lists the catalog with hints, reads at once, and its write waits for a human before anything mutates")
  void agentSessionOverStreamableHttp() throws Exception {
    String name = TestDeployments.ready(dev, "mcp");
    String path = "/apis/apps/v1/namespaces/shop/deployments/" + name;

    // initialize: the session id comes back in the header; protocol and capabilities in the result.
    HttpResponse<String> init =
        post(
            AGENT,
            null,
            Map.of("Interlock-Environment", "staging"),
            request(
                "initialize",
                Map.of(
                    "protocolVersion",
                    "2025-06-18",
                    "capabilities",
                    Map.of(),
                    "clientInfo",
                    Map.of("name", "test-client", "version", "1"))));
    assertThat(init.statusCode()).isEqualTo(200);
    String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    JsonNode initResult = JSON.readTree(init.body()).path("result");
    assertThat(initResult.path("protocolVersion").asText()).isEqualTo("2025-06-18");
    assertThat(initResult.path("capabilities").has("tools")).isTrue();
    assertThat(initResult.path("serverInfo").path("name").asText()).isEqualTo("interlock");
    assertThat(
            post(
                    AGENT,
                    session,
                    Map.of(),
                    Map.of("jsonrpc", "2.0", "method", "notifications/initialized"))
                .statusCode())
        .isEqualTo(202);
    assertThat(call(session, "ping", Map.of()).path("result").isObject()).isTrue();

    // tools/list: every catalog tool, schema and hints from the registry, plus the two follow-up
    // tools.
    JsonNode tools = call(session, "tools/list", Map.of()).path("result").path("tools");
    JsonNode catalog = JSON.readTree(given().auth().oauth2(AGENT).get("/api/catalog").asString());
    Map<String, JsonNode> byName = new HashMap<>();
    tools.forEach(t -> byName.put(t.path("name").asText(), t));
    assertThat(byName).hasSize(catalog.size() + 2).containsKeys("task_status", "wait_for_step");
    for (JsonNode spec : catalog) {
      JsonNode tool = byName.get(spec.path("name").asText().replace('.', '_'));
      assertThat(tool).as(spec.path("name").asText()).isNotNull();
      assertThat(tool.path("inputSchema")).isEqualTo(spec.path("argsSchema"));
      boolean read = spec.path("effect").asText().equals("READ");
      assertThat(tool.path("annotations").path("readOnlyHint").asBoolean()).isEqualTo(read);
      if (!read) {
        assertThat(tool.path("annotations").path("destructiveHint").asBoolean())
            .isEqualTo(spec.path("destructive").asBoolean());
        assertThat(tool.path("annotations").path("idempotentHint").asBoolean())
            .isEqualTo(spec.path("idempotent").asBoolean());
      }
    }
    assertThat(byName.get("k8s_delete").path("annotations").path("destructiveHint").asBoolean())
        .isTrue();
    assertThat(byName.get("k8s_get").path("annotations").path("readOnlyHint").asBoolean()).isTrue();
    assertThat(byName.keySet())
        .noneMatch(n -> n.contains("approve") || n.contains("decide") || n.contains("reject"));

    // A read runs in the session's task and returns what it saw.
    JsonNode read =
        call(
                session,
                "tools/call",
                Map.of(
                    "name",
                    "k8s_get",
                    "arguments",
                    Map.of("kind", "Deployment", "namespace", "shop", "name", name)))
            .path("result");
    assertThat(read.path("isError").asBoolean()).as(read.toString()).isFalse();
    assertThat(read.path("structuredContent").path("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(read.path("structuredContent").path("result").toString()).contains(name);
    String task = read.path("structuredContent").path("taskId").asText();
    assertThat(task).startsWith("mcp-agent-incident-bot-");

    // A write is proposed, never executed: it comes back pending with everything an approver sees.
    JsonNode write =
        call(
                session,
                "tools/call",
                Map.of(
                    "name",
                    "k8s_scale",
                    "arguments",
                    Map.of("namespace", "shop", "name", name, "replicas", 5)))
            .path("result");
    JsonNode pending = write.path("structuredContent");
    assertThat(write.path("isError").asBoolean()).as(write.toString()).isFalse();
    assertThat(pending.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(pending.path("executed").asBoolean()).isFalse();
    assertThat(pending.path("taskId").asText()).isEqualTo(task);
    assertThat(pending.path("callHash").asText()).startsWith("sha256:");
    assertThat(pending.path("diff").asText()).contains("+  replicas: 5");
    assertThat(pending.path("summary").asText()).isNotBlank();
    assertThat(pending.path("policy").path("ruleId").asText()).isNotBlank();
    assertThat(pending.path("deadline").asText()).isNotBlank();
    assertThat(pending.path("taskUrl").asText()).endsWith("/task.html?id=" + task);
    assertThat(write.path("content").get(0).path("text").asText())
        .contains("Pending approval, not executed");
    String stepId = pending.path("stepId").asText();
    assertThat(mutations(path)).isZero();

    // Waiting does not make it run.
    JsonNode waited =
        call(
                session,
                "tools/call",
                Map.of(
                    "name",
                    "wait_for_step",
                    "arguments",
                    Map.of("stepId", stepId, "timeoutSeconds", 1)))
            .path("result")
            .path("structuredContent");
    assertThat(waited.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(waited.path("timedOut").asBoolean()).isTrue();
    assertThat(mutations(path)).isZero();

    // The agent cannot approve: REST says 403, and MCP has no such tool.
    given()
        .auth()
        .oauth2(AGENT)
        .contentType(ContentType.JSON)
        .body(Map.of("callHash", pending.path("callHash").asText()))
        .post("/api/tasks/" + task + "/steps/" + stepId + "/approve")
        .then()
        .statusCode(403);
    JsonNode noTool =
        call(
            session,
            "tools/call",
            Map.of(
                "name",
                "approve",
                "arguments",
                Map.of(
                    "taskId",
                    task,
                    "stepId",
                    stepId,
                    "callHash",
                    pending.path("callHash").asText())));
    assertThat(noTool.path("error").path("code").asInt()).isEqualTo(-32602);
    assertThat(mutations(path)).isZero();

    // A human approves over REST; wait_for_step follows it to VERIFIED, and the cluster changed
    // once.
    given()
        .auth()
        .oauth2("dev-bob")
        .contentType(ContentType.JSON)
        .body(Map.of("callHash", pending.path("callHash").asText()))
        .post("/api/tasks/" + task + "/steps/" + stepId + "/approve")
        .then()
        .statusCode(200);
    JsonNode done =
        await("wait_for_step reports the end")
            .atMost(Duration.ofSeconds(90))
            .until(
                () ->
                    call(
                            session,
                            "tools/call",
                            Map.of(
                                "name",
                                "wait_for_step",
                                "arguments",
                                Map.of("taskId", task, "stepId", stepId, "timeoutSeconds", 30)))
                        .path("result")
                        .path("structuredContent"),
                r -> r.path("done").asBoolean());
    assertThat(done.path("state").asText()).isEqualTo("VERIFIED");
    assertThat(done.path("step").path("approvals").get(0).path("approver").asText())
        .isEqualTo("bob");
    assertThat(mutations(path)).isEqualTo(1);
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
        .isEqualTo(5);

    JsonNode status =
        call(session, "tools/call", Map.of("name", "task_status", "arguments", Map.of()))
            .path("result")
            .path("structuredContent");
    assertThat(status.path("taskId").asText()).isEqualTo(task);
    assertThat(status.path("requester").asText()).isEqualTo("agent:incident-bot");
    assertThat(status.path("steps")).hasSize(2);

    // Closing the session tells the task the agent is done; with nothing pending it completes.
    assertThat(
            http.send(
                    HttpRequest.newBuilder(mcp.toURI())
                        .header("Authorization", "Bearer " + AGENT)
                        .header("Mcp-Session-Id", session)
                        .DELETE()
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(204);
    await("the session's task completed")
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                given()
                    .auth()
                    .oauth2(AGENT)
                    .get("/api/tasks/" + task)
                    .jsonPath()
                    .getString("state"),
            "COMPLETED"::equals);
  }

  @Test
  @DisplayName(
      "the transport refuses what the spec says to refuse: no token, no session, someone else's session, bad JSON, unknown methods")
  void transportErrors() throws Exception {
    assertThat(post(null, null, Map.of(), request("initialize", Map.of())).statusCode())
        .isEqualTo(401);
    assertThat(post("wrong-token", null, Map.of(), request("initialize", Map.of())).statusCode())
        .isEqualTo(401);
    HttpResponse<String> noSession = post(AGENT, null, Map.of(), request("tools/list", Map.of()));
    assertThat(noSession.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(noSession.body()).path("error").path("code").asInt())
        .isEqualTo(-32600);

    String session =
        post(AGENT, null, Map.of(), request("initialize", Map.of("protocolVersion", "2025-03-26")))
            .headers()
            .firstValue("Mcp-Session-Id")
            .orElseThrow();
    // Another identity presenting this session id is treated as unknown.
    assertThat(post("dev-alice", session, Map.of(), request("tools/list", Map.of())).statusCode())
        .isEqualTo(404);
    // initialize inside a session is refused; it never swaps the session's task or environment.
    HttpResponse<String> again =
        post(
            AGENT,
            session,
            Map.of("Interlock-Environment", "prod"),
            request("initialize", Map.of("protocolVersion", "2025-03-26")));
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(again.body()).path("error").path("message").asText())
        .contains("already names session");
    assertThat(again.headers().firstValue("Mcp-Session-Id")).isEmpty();
    assertThat(call(session, "ping", Map.of()).has("result")).isTrue();
    assertThat(call(session, "resources/list", Map.of()).path("error").path("code").asInt())
        .isEqualTo(-32601);
    HttpResponse<String> garbled =
        http.send(
            HttpRequest.newBuilder(mcp.toURI())
                .header("Authorization", "Bearer " + AGENT)
                .header("Mcp-Session-Id", session)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(JSON.readTree(garbled.body()).path("error").path("code").asInt()).isEqualTo(-32700);
    assertThat(
            post(
                    AGENT,
                    session,
                    Map.of("Origin", "https://evil.example"),
                    request("ping", Map.of()))
                .statusCode())
        .isEqualTo(403);
    // Protocol 2025-03-26 still allows batches.
    HttpResponse<String> batch =
        post(
            AGENT,
            session,
            Map.of(),
            List.of(request("ping", Map.of()), request("tools/list", Map.of())));
    assertThat(JSON.readTree(batch.body())).hasSize(2);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(mcp.toURI())
                        .header("Authorization", "Bearer " + AGENT)
                        .header("Mcp-Session-Id", session)
                        .DELETE()
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(204);
    assertThat(post(AGENT, session, Map.of(), request("ping", Map.of())).statusCode())
        .isEqualTo(404);
  }

  @Test
  @DisplayName(
      "a 10 MB request is refused as too large, naming the limit; a 1 MB call is a tool error; the session and its task keep working")
  void oversizedRequestLeavesTheSessionWorking() throws Exception {
    String name = TestDeployments.ready(dev, "mcp-big");
    String session =
        post(
                AGENT,
                null,
                Map.of("Interlock-Environment", "staging"),
                request("initialize", Map.of("protocolVersion", "2025-06-18")))
            .headers()
            .firstValue("Mcp-Session-Id")
            .orElseThrow();
    JsonNode read =
        call(
                session,
                "tools/call",
                Map.of(
                    "name",
                    "k8s_get",
                    "arguments",
                    Map.of("kind", "Deployment", "namespace", "shop", "name", name)))
            .path("result");
    String task = read.path("structuredContent").path("taskId").asText();

    HttpResponse<String> huge =
        post(
            AGENT,
            session,
            Map.of(),
            request(
                "tools/call",
                Map.of(
                    "name",
                    "k8s_scale",
                    "arguments",
                    Map.of(
                        "namespace",
                        "shop",
                        "name",
                        name,
                        "replicas",
                        3,
                        "kind",
                        "x".repeat(10_000_000)))));
    assertThat(huge.statusCode()).as(huge.body()).isEqualTo(413);
    JsonNode error = JSON.readTree(huge.body()).path("error");
    assertThat(error.path("code").asInt()).as(huge.body()).isEqualTo(-32600);
    assertThat(error.path("message").asText())
        .contains(
            "request too large",
            "at most 4194304 bytes",
            "quarkus.http.limits.max-body-size",
            "262144");

    // Under the transport's limit but over a call's: a tool error the model can read, nothing
    // proposed.
    JsonNode big =
        call(
                session,
                "tools/call",
                Map.of(
                    "name",
                    "k8s_scale",
                    "arguments",
                    Map.of(
                        "namespace",
                        "shop",
                        "name",
                        name,
                        "replicas",
                        3,
                        "kind",
                        "x".repeat(1_000_000))))
            .path("result");
    assertThat(big.path("isError").asBoolean()).as(big.toString()).isTrue();
    assertThat(big.path("structuredContent").path("status").asInt()).isEqualTo(400);
    assertThat(big.path("structuredContent").path("why").asText()).contains("at most 262144");

    JsonNode status =
        call(session, "tools/call", Map.of("name", "task_status", "arguments", Map.of()))
            .path("result");
    assertThat(status.path("isError").asBoolean()).as(status.toString()).isFalse();
    assertThat(status.path("structuredContent").path("taskId").asText()).isEqualTo(task);
    assertThat(status.path("structuredContent").path("state").asText()).isEqualTo("RUNNING");
    assertThat(status.path("structuredContent").path("steps")).hasSize(1);
    JsonNode write =
        call(
                session,
                "tools/call",
                Map.of(
                    "name",
                    "k8s_scale",
                    "arguments",
                    Map.of("namespace", "shop", "name", name, "replicas", 3)))
            .path("result")
            .path("structuredContent");
    assertThat(write.path("state").asText()).as(write.toString()).isEqualTo("AWAITING_APPROVAL");
    assertThat(write.path("taskId").asText()).isEqualTo(task);
    assertThat(mutations("/apis/apps/v1/namespaces/shop/deployments/" + name)).isZero();
  }

  private Map<String, Object> request(String method, Map<String, Object> params) {
    return Map.of(
        "jsonrpc", "2.0", "id", ids.incrementAndGet(), "method", method, "params", params);
  }

  private JsonNode call(String session, String method, Map<String, Object> params) {
    try {
      HttpResponse<String> r = post(AGENT, session, Map.of(), request(method, params));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return JSON.readTree(r.body());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private HttpResponse<String> post(
      String token, String session, Map<String, String> headers, Object body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(mcp.toString()))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (session != null) {
      b.header("Mcp-Session-Id", session);
    }
    List<String> flat = new ArrayList<>();
    headers.forEach(
        (k, v) -> {
          flat.add(k);
          flat.add(v);
        });
    if (!flat.isEmpty()) {
      b.headers(flat.toArray(String[]::new));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private long mutations(String path) {
    return InProcessClusterStarter.of(dev).mutationLog().stream()
        .filter(l -> l.contains(path) && !l.startsWith("GET"))
        .count();
  }
}
