package io.interlock.worker.temporal;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.worker.ToolCalls;
import io.interlock.worker.audit.HashChain;
import io.interlock.worker.cli.InterlockCli;
import io.interlock.worker.dev.DevStack;
import io.interlock.worker.dev.InProcessClusterStarter;
import io.interlock.worker.tasks.IndexedStart;
import io.interlock.worker.ui.TestDeployments;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.temporal.common.WorkflowExecutionHistory;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README's Temporal CLI walkthrough for real: {@code temporal server start-dev} as its own
 * process, the dev stack on it ({@code interlock.dev.temporal-target}), and the operator's commands
 * run by the real {@code temporal} binary. Fails (never skips) without the binary: {@code
 * ./interlock test} installs it.
 */
@QuarkusTest
@WithTestResource(TemporalCliDevServer.class)
class RealTemporalCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AGENT = "dev-incident-bot";
  private static final String ALICE = "dev-alice";
  private static final String LEDGER = "/apis/apps/v1/namespaces/payments/deployments/ledger";

  @Inject DevStack dev;

  @TestHTTPResource("/")
  URL server;

  @Test
  @DisplayName(
      "temporal CLI on a real server: list finds the waiting task, query shows it, an unproven signal is refused, the signed one runs once, show exports an auditable history")
  void operatorWalkthroughWithTheRealCli() throws Exception {
    assertThat(dev.usesExternalTemporal()).isTrue();
    TemporalCli temporal = new TemporalCli(dev.temporalTarget());
    long before = mutationsOf(LEDGER);
    String task = start();
    JsonNode proposed =
        propose(
            task,
            Map.of(
                "tool",
                "k8s.scale",
                "args",
                Map.of("namespace", "payments", "name", "ledger", "replicas", 5)));
    assertThat(proposed.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    String hash = proposed.path("callHash").asText();

    // Real visibility with the registered search attributes (eventually consistent, so poll).
    await("the task in 'temporal workflow list'")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                temporal
                    .run("workflow", "list", "--query", "InterlockTaskState=\"AWAITING_APPROVAL\"")
                    .ok()
                    .out(),
            out -> out.contains(task));

    JsonNode status = queryStatus(temporal, task);
    assertThat(status.path("steps").get(0).path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(status.path("steps").get(0).path("callHash").asText()).isEqualTo(hash);

    // The attack next to the happy path: an allowed approver's name and the right hash, but no
    // proof.
    String unproven =
        JSON.writeValueAsString(Map.of("stepId", "s1", "callHash", hash, "approver", "alice"));
    // As the README prints it, namespace included, and what it answers.
    assertThat(
            temporal
                .run(
                    "workflow",
                    "signal",
                    "--namespace",
                    "default",
                    "--workflow-id",
                    task,
                    "--name",
                    "approve",
                    "--input",
                    unproven)
                .ok()
                .out())
        .contains("Signal workflow succeeded");
    JsonNode refused =
        await("the unproven approval refused")
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> queryStatus(temporal, task).path("steps").get(0),
                s -> s.path("refusals").size() == 1);
    assertThat(refused.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(refused.path("refusals").get(0).path("why").asText()).contains("no proof");
    assertThat(mutationsOf(LEDGER)).isEqualTo(before);

    // alice signs with her demo SSH key; the JSON `interlock sign` prints is the signal's --input.
    Cli signed =
        cli(
            "sign",
            task,
            "s1",
            "--as",
            "alice",
            "--key",
            dev.keys().resolve("alice_ed25519").toString(),
            "--comment",
            "ledger capacity",
            "--token",
            ALICE,
            "--server",
            server.toString());
    assertThat(signed.code).as(signed.err).isZero();
    assertThat(
            temporal
                .run(
                    "workflow",
                    "signal",
                    "--namespace",
                    "default",
                    "--workflow-id",
                    task,
                    "--name",
                    "approve",
                    "--input",
                    signed.out.trim())
                .ok()
                .out())
        .contains("Signal workflow succeeded");
    JsonNode verified =
        await("s1 VERIFIED")
            .atMost(Duration.ofSeconds(45))
            .until(
                () -> queryStatus(temporal, task).path("steps").get(0),
                s ->
                    s.path("state").asText().equals("VERIFIED")
                        || s.path("state").asText().equals("FAILED"));
    assertThat(verified.path("state").asText()).isEqualTo("VERIFIED");
    assertThat(verified.path("approvals").get(0).path("approver").asText()).isEqualTo("alice");
    assertThat(mutationsOf(LEDGER)).isEqualTo(before + 1);

    // The real server's export of the finished task is what `interlock audit --history` and
    // `interlock replay` read.
    given().auth().oauth2(AGENT).post("/api/tasks/" + task + "/finish").then().statusCode(202);
    await("task completed")
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> queryStatus(temporal, task).path("state").asText(), s -> s.equals("COMPLETED"));
    Path history = Files.createTempFile("real-temporal-history", ".json");
    Files.writeString(
        history,
        temporal.run("workflow", "show", "--workflow-id", task, "--output", "json").ok().out());
    // The real server keeps the index the API started the task with as the run compares it: the
    // run upserts nothing before its first step changes the state.
    IndexedStart.assertIndexedAtStart(
        WorkflowExecutionHistory.fromJson(Files.readString(history)).getEvents());
    Cli audit = cli("audit", "--history", history.toString(), "--format", "json");
    assertThat(audit.code).as(audit.err).isZero();
    JsonNode report = JSON.readTree(audit.out);
    assertThat(HashChain.verify(report).intact()).isTrue();
    JsonNode decisions = stepRecord(report, "s1").path("approvals");
    assertThat(decisions).hasSize(2);
    assertThat(decisions.get(0).path("outcome").asText()).isEqualTo("refused");
    assertThat(decisions.get(0).path("via").asText()).isEqualTo("signal approve");
    assertThat(decisions.get(1).path("outcome").asText()).isEqualTo("accepted");
    assertThat(decisions.get(1).path("approver").asText()).isEqualTo("alice");
    assertThat(stepRecord(report, "s1").path("verification").path("verdict").asText())
        .isEqualTo("VERIFIED");
    Cli replay = cli("replay", history.toString());
    assertThat(replay.code).as(replay.out + replay.err).isZero();
    assertThat(replay.out).contains("replays deterministically");
    Files.deleteIfExists(history);
  }

  @Test
  @DisplayName(
      "a task that continued as new, exported run by run with the real CLI: interlock audit reads every run (any file order) and replay replays each; a left-out run shows as a gap")
  void continuedAsNewTaskExportedRunByRun() throws Exception {
    TemporalCli temporal = new TemporalCli(dev.temporalTarget());
    String name = TestDeployments.ready(dev, "can");
    String path = "/apis/apps/v1/namespaces/shop/deployments/" + name;
    long before = mutationsOf(path);
    String task = "can-" + UUID.randomUUID().toString().substring(0, 8);
    // The agent starts through its Temporal client; with historyLimit 100 (the least) the task
    // continues as new while one of its later writes waits (a write adds some 35 events).
    java.util.List<Integer> replicas = java.util.List.of(3, 4, 5, 6, 7);
    String input =
        JSON.writeValueAsString(
            Map.of(
                "requester",
                "agent:incident-bot",
                "environment",
                "staging",
                "goal",
                "continue-as-new on the real server",
                "finishWhenDone",
                true,
                "historyLimit",
                100,
                "steps",
                replicas.stream().map(r -> ToolCalls.scale("shop", name, r)).toList()));
    temporal
        .run(
            "workflow",
            "start",
            "--type",
            "AgentTask",
            "--task-queue",
            "interlock-tasks",
            "--workflow-id",
            task,
            "--input",
            input)
        .ok();
    for (int i = 1; i <= replicas.size(); i++) {
      String step = "s" + i;
      JsonNode waiting =
          await(step + " awaiting approval")
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> restStep(task, step),
                  s -> s.path("state").asText().matches("AWAITING_APPROVAL|FAILED|BLOCKED"));
      assertThat(waiting.path("state").asText())
          .as(waiting.toString())
          .isEqualTo("AWAITING_APPROVAL");
      given()
          .auth()
          .oauth2(ALICE)
          .contentType(ContentType.JSON)
          .body(Map.of("callHash", waiting.path("callHash").asText()))
          .post("/api/tasks/" + task + "/steps/" + step + "/approve")
          .then()
          .statusCode(200);
      JsonNode done =
          await(step + " VERIFIED")
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> restStep(task, step),
                  s -> s.path("state").asText().matches("VERIFIED|FAILED|VERIFICATION_FAILED"));
      assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("VERIFIED");
    }
    assertThat(mutationsOf(path)).isEqualTo(before + replicas.size());

    // The operator's export: every run from 'workflow list', then 'workflow show --run-id' per run.
    JsonNode runs =
        await("the completed last run in 'temporal workflow list'")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    json(
                        temporal
                            .run(
                                "workflow",
                                "list",
                                "--query",
                                "WorkflowId=\"" + task + "\"",
                                "--output",
                                "json")
                            .ok()
                            .out()),
                l ->
                    java.util.stream.StreamSupport.stream(l.spliterator(), false)
                        .anyMatch(
                            r ->
                                r.path("status")
                                    .asText()
                                    .equals("WORKFLOW_EXECUTION_STATUS_COMPLETED")));
    assertThat(runs.size()).as("runs of %s: %s", task, runs).isGreaterThan(1);
    Path dir = Files.createTempDirectory("can-export");
    java.util.List<String> files = new java.util.ArrayList<>();
    for (JsonNode r : runs) {
      String runId = r.path("execution").path("runId").asText();
      Path f = dir.resolve(task + "-" + runId + ".json");
      Files.writeString(
          f,
          temporal
              .run("workflow", "show", "--workflow-id", task, "--run-id", runId, "--output", "json")
              .ok()
              .out());
      files.add(f.toString());
    }
    // 'workflow list' answers newest first: the CLI puts the runs in continue-as-new order itself.
    java.util.List<String> args =
        new java.util.ArrayList<>(java.util.List.of("audit", "--format", "json", "--history"));
    args.addAll(files);
    Cli audit = cli(args.toArray(String[]::new));
    assertThat(audit.code).as(audit.err).isZero();
    JsonNode report = JSON.readTree(audit.out);
    assertThat(HashChain.verify(report).intact()).isTrue();
    JsonNode head = taskRecord(report);
    assertThat(head.path("requester").asText()).as(head.toString()).isEqualTo("agent:incident-bot");
    assertThat(head.path("runs")).hasSize(runs.size());
    assertThat(head.has("missingAuditSeq")).as(head.toString()).isFalse();
    assertThat(head.path("state").asText()).isEqualTo("COMPLETED");
    for (int i = 1; i <= replicas.size(); i++) {
      String step = "s" + i;
      assertThat(stepRecord(report, step).path("verification").path("verdict").asText())
          .as(step)
          .isEqualTo("VERIFIED");
    }
    java.util.List<String> replayArgs = new java.util.ArrayList<>(java.util.List.of("replay"));
    replayArgs.addAll(files);
    Cli replay = cli(replayArgs.toArray(String[]::new));
    assertThat(replay.code).as(replay.out + replay.err).isZero();

    // Leave out the first run (the start, the requester, s1): the audit says what is missing, never
    // gap-free.
    String first = dir.resolve(task + "-" + head.path("runs").get(0).asText() + ".json").toString();
    assertThat(files).contains(first);
    java.util.List<String> partial = new java.util.ArrayList<>(args);
    partial.remove(first);
    Cli gap = cli(partial.toArray(String[]::new));
    assertThat(gap.code).as(gap.err).isZero();
    assertThat(taskRecord(JSON.readTree(gap.out)).path("missingAuditSeq").size()).isPositive();
    // A task id next to the files used to swallow a file silently; now it is a usage error.
    assertThat(cli("audit", task, "--history", files.get(0)).code).isEqualTo(2);
  }

  private static JsonNode restStep(String task, String step) {
    Response r = given().auth().oauth2(ALICE).get("/api/tasks/" + task);
    for (JsonNode s : json(r.asString()).path("steps")) {
      if (s.path("stepId").asText().equals(step)) {
        return s;
      }
    }
    return json("{}");
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  private static JsonNode taskRecord(JsonNode report) {
    for (JsonNode e : report.path("entries")) {
      if (e.path("kind").asText().equals("TASK")) {
        return e.path("detail");
      }
    }
    throw new AssertionError("no TASK entry in the report");
  }

  /** {@code temporal workflow query --name status}, its first result as JSON. */
  private static JsonNode queryStatus(TemporalCli temporal, String task) {
    String out =
        temporal
            .run("workflow", "query", "--workflow-id", task, "--name", "status", "--output", "json")
            .ok()
            .out();
    try {
      JsonNode result = JSON.readTree(out).path("queryResult");
      return result.isArray() ? result.get(0) : result;
    } catch (Exception e) {
      throw new AssertionError("not JSON from temporal workflow query: " + out, e);
    }
  }

  private static String start() {
    String id = "t-" + UUID.randomUUID();
    Response r =
        given()
            .auth()
            .oauth2(AGENT)
            .contentType(ContentType.JSON)
            .body(Map.of("taskId", id, "environment", "staging", "goal", "ledger capacity"))
            .post("/api/tasks");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    return id;
  }

  private static JsonNode propose(String task, Map<String, Object> call) throws Exception {
    Response r =
        given()
            .auth()
            .oauth2(AGENT)
            .contentType(ContentType.JSON)
            .body(call)
            .post("/api/tasks/" + task + "/steps");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
    return JSON.readTree(r.asString());
  }

  private static JsonNode stepRecord(JsonNode report, String stepId) {
    for (JsonNode e : report.path("entries")) {
      if (e.path("kind").asText().equals("STEP") && e.path("stepId").asText().equals(stepId)) {
        return e.path("detail");
      }
    }
    throw new AssertionError("no STEP " + stepId + " in the report");
  }

  /** Writes the simulated API server saw to this object (its mutation log, reads excluded). */
  private long mutationsOf(String path) {
    return InProcessClusterStarter.of(dev).mutationLog().stream()
        .filter(l -> l.contains(path) && !l.startsWith("GET"))
        .count();
  }

  private record Cli(int code, String out, String err) {}

  private static Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        InterlockCli.run(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new ByteArrayInputStream(new byte[0]),
            args);
    return new Cli(code, out.toString(), err.toString());
  }
}
