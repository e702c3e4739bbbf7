package io.interlock.worker.approvals;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.worker.cli.InterlockCli;
import io.interlock.worker.dev.DevStack;
import io.interlock.worker.dev.InProcessClusterStarter;
import io.interlock.worker.ui.TestDeployments;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Batch approval on the whole dev stack: REST {@code POST /api/approvals/batch}, {@code interlock
 * approve --batch}, and {@code interlock sign --batch} sent as a raw Temporal signal (what {@code
 * temporal workflow signal --name batch} sends). Writes are counted at the simulated API server.
 */
@QuarkusTest
class BatchApprovalTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AGENT = "dev-incident-bot";
  private static final String ALICE = "dev-alice";

  @Inject DevStack dev;

  @TestHTTPResource("/")
  URL server;

  /** A task with one scale waiting for approval; returns {taskId, stepId, callHash, name}. */
  private Map<String, String> waitingScale(String goal) throws Exception {
    String name = TestDeployments.ready(dev, "batch");
    String task = "batch-" + UUID.randomUUID().toString().substring(0, 8);
    given()
        .auth()
        .oauth2(AGENT)
        .contentType(ContentType.JSON)
        .body(Map.of("taskId", task, "environment", "staging", "goal", goal))
        .post("/api/tasks")
        .then()
        .statusCode(201);
    JsonNode step =
        JSON.readTree(
            given()
                .auth()
                .oauth2(AGENT)
                .contentType(ContentType.JSON)
                .body(
                    Map.of(
                        "tool",
                        "k8s.scale",
                        "args",
                        Map.of("namespace", "shop", "name", name, "replicas", 3)))
                .post("/api/tasks/" + task + "/steps")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    assertThat(step.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    return Map.of(
        "taskId",
        task,
        "stepId",
        step.path("stepId").asText(),
        "callHash",
        step.path("callHash").asText(),
        "name",
        name);
  }

  private static Map<String, String> ref(Map<String, String> w) {
    return Map.of(
        "taskId", w.get("taskId"), "stepId", w.get("stepId"), "callHash", w.get("callHash"));
  }

  @Test
  @DisplayName(
      "REST: one batch approves 3 waiting writes of 3 tasks; each runs once, the answer lists each outcome, each audit shows the digest and its own entry")
  void restBatchRunsEachOnce() throws Exception {
    List<Map<String, String>> ws = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ws.add(waitingScale("batch " + i));
    }
    long before = mutations(ws);
    JsonNode answer =
        post(
            ALICE,
            Map.of(
                "comment",
                "incident 42",
                "steps",
                ws.stream().map(BatchApprovalTest::ref).toList()),
            200);
    String digest = answer.path("statementDigest").asText();
    assertThat(digest).startsWith("sha256:");
    assertThat(answer.path("outcomes")).hasSize(3);
    for (int i = 0; i < 3; i++) {
      JsonNode o = answer.path("outcomes").get(i);
      assertThat(o.path("taskId").asText()).isEqualTo(ws.get(i).get("taskId"));
      assertThat(o.path("accepted").asBoolean()).as(o.toString()).isTrue();
    }
    for (int i = 0; i < 3; i++) {
      awaitState(ws.get(i), "VERIFIED");
      JsonNode report = audit(ws.get(i).get("taskId"));
      JsonNode batch = entry(report, "BATCH");
      assertThat(batch.path("detail").path("statementDigest").asText()).isEqualTo(digest);
      assertThat(batch.path("detail").path("own").get(0).path("entry").asInt()).isEqualTo(i);
      JsonNode approval = stepRecord(report, "s1").path("approvals").get(0);
      assertThat(approval.path("outcome").asText()).isEqualTo("accepted");
      assertThat(approval.path("batch").path("statementDigest").asText()).isEqualTo(digest);
      assertThat(approval.path("proof").path("verified").asBoolean()).isTrue();
      assertThat(approval.path("serverIdentity").asText()).isEqualTo("interlock-api:alice");
      assertProofsVerify(ws.get(i).get("taskId"));
    }
    assertThat(mutations(ws)).isEqualTo(before + 3);
  }

  @Test
  @DisplayName(
      "REST attacks: an agent is 403, a malformed or oversized batch 400, a stale hash refused for that step only; nothing else changes")
  void restRefusals() throws Exception {
    Map<String, String> a = waitingScale("fresh");
    Map<String, String> b = waitingScale("stale");
    long before = mutations(List.of(a, b));
    Map<String, Object> body = Map.of("steps", List.of(ref(a)));
    assertThat(post(AGENT, body, 403).path("error").asText()).contains("agents cannot approve");
    assertThat(post(ALICE, Map.of("steps", List.of(ref(a), ref(a))), 400).path("error").asText())
        .contains("listed twice");
    List<Map<String, String>> many = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      many.add(Map.of("taskId", a.get("taskId"), "stepId", "s" + i, "callHash", "sha256:x"));
    }
    assertThat(post(ALICE, Map.of("steps", many), 400).path("why").asText())
        .contains("at most 100");
    assertThat(post(ALICE, Map.of("decision", "maybe", "steps", List.of(ref(a))), 400)).isNotNull();
    assertThat(post(ALICE, Map.of("decision", "reject", "steps", List.of(ref(a))), 400))
        .isNotNull();
    assertThat(mutations(List.of(a, b))).isEqualTo(before);
    Map<String, String> stale =
        Map.of("taskId", b.get("taskId"), "stepId", "s1", "callHash", "sha256:" + "0".repeat(64));
    JsonNode answer = post(ALICE, Map.of("steps", List.of(ref(a), stale)), 200);
    assertThat(answer.path("outcomes").get(0).path("accepted").asBoolean()).isTrue();
    assertThat(answer.path("outcomes").get(1).path("accepted").asBoolean()).isFalse();
    assertThat(answer.path("outcomes").get(1).path("why").asText()).contains("callHash mismatch");
    awaitState(a, "VERIFIED");
    assertThat(status(b).path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(mutations(List.of(a, b))).isEqualTo(before + 1);
  }

  @Test
  @DisplayName(
      "CLI: 'interlock approve --batch' approves two tasks' writes in one act with the signer's own SSH key; 'interlock sign --batch' output sent as a raw 'batch' signal to each task approves, and a task not listed refuses it")
  void cliAndRawSignal() throws Exception {
    Map<String, String> a = waitingScale("cli a");
    Map<String, String> b = waitingScale("cli b");
    long before = mutations(List.of(a, b));
    Cli approved =
        cli(
            "approve",
            "--batch",
            a.get("taskId") + "/s1",
            b.get("taskId") + "/s1",
            "--yes",
            "--key",
            dev.keys().resolve("alice_ed25519").toString(),
            "--comment",
            "both",
            "--token",
            ALICE);
    assertThat(approved.code).as(approved.out + approved.err).isZero();
    assertThat(approved.out).contains("batch sha256:", a.get("taskId") + "/s1  accepted");
    awaitState(a, "VERIFIED");
    awaitState(b, "VERIFIED");
    assertThat(audit(a.get("taskId")).toString()).contains("ssh-ed25519");
    assertThat(mutations(List.of(a, b))).isEqualTo(before + 2);

    Map<String, String> c = waitingScale("signal c");
    Map<String, String> d = waitingScale("signal d");
    Map<String, String> unlisted = waitingScale("not in the batch");
    long before2 = mutations(List.of(c, d, unlisted));
    Cli signed =
        cli(
            "sign",
            "--batch",
            c.get("taskId") + "/s1",
            d.get("taskId") + "/s1",
            "--as",
            "bob",
            "--key",
            dev.keys().resolve("bob_ed25519").toString(),
            "--token",
            ALICE);
    assertThat(signed.code).as(signed.err).isZero();
    JsonNode input = JSON.readTree(signed.out);
    assertThat(input.path("statement").path("entries")).hasSize(2);
    assertThat(input.path("proof").path("signature").asText())
        .startsWith("-----BEGIN SSH SIGNATURE-----");
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(dev.temporal().target()).build());
    try {
      WorkflowClient raw =
          WorkflowClient.newInstance(
              stubs,
              WorkflowClientOptions.newBuilder()
                  .setNamespace("default")
                  .setIdentity("temporal-cli@laptop")
                  .build());
      for (Map<String, String> t : List.of(c, d, unlisted)) {
        raw.newUntypedWorkflowStub(t.get("taskId")).signal("batch", input);
      }
    } finally {
      stubs.shutdown();
    }
    awaitState(c, "VERIFIED");
    awaitState(d, "VERIFIED");
    await("the unlisted task's refusal")
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> audit(unlisted.get("taskId")),
            r -> r.toString().contains("lists no step of task"));
    assertThat(status(unlisted).path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(status(unlisted).path("approvals")).isEmpty();
    JsonNode viaSignal = stepRecord(audit(c.get("taskId")), "s1").path("approvals").get(0);
    assertThat(viaSignal.path("serverIdentity").asText()).isEqualTo("temporal-cli@laptop");
    assertThat(viaSignal.path("approver").asText()).isEqualTo("bob");
    assertProofsVerify(c.get("taskId"));
    assertProofsVerify(a.get("taskId"));
    assertThat(mutations(List.of(c, d, unlisted))).isEqualTo(before2 + 2);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static JsonNode post(String token, Object body, int status) throws Exception {
    return JSON.readTree(
        given()
            .auth()
            .oauth2(token)
            .contentType(ContentType.JSON)
            .body(body)
            .post("/api/approvals/batch")
            .then()
            .statusCode(status)
            .extract()
            .asString());
  }

  private static JsonNode status(Map<String, String> w) {
    try {
      JsonNode task =
          JSON.readTree(
              given()
                  .auth()
                  .oauth2(ALICE)
                  .get("/api/tasks/" + w.get("taskId"))
                  .then()
                  .statusCode(200)
                  .extract()
                  .asString());
      return task.path("steps").get(0);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void awaitState(Map<String, String> w, String state) {
    JsonNode s =
        await(w.get("taskId") + " " + state)
            .atMost(Duration.ofMinutes(2))
            .until(
                () -> status(w),
                v ->
                    v.path("state").asText().equals(state)
                        || v.path("state").asText().equals("FAILED"));
    assertThat(s.path("state").asText()).as(s.path("error").asText()).isEqualTo(state);
  }

  private static JsonNode audit(String task) {
    try {
      return JSON.readTree(
          given()
              .auth()
              .oauth2(ALICE)
              .get("/api/tasks/" + task + "/audit")
              .then()
              .statusCode(200)
              .extract()
              .asString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** {@code interlock audit verify} on the exported report: chain intact, every proof verified. */
  private void assertProofsVerify(String task) {
    try {
      java.nio.file.Path file = java.nio.file.Files.createTempFile("batch-audit", ".json");
      java.nio.file.Files.writeString(
          file,
          given()
              .auth()
              .oauth2(ALICE)
              .get("/api/tasks/" + task + "/audit")
              .then()
              .extract()
              .asString());
      StringWriter out = new StringWriter();
      int code =
          InterlockCli.run(
              new PrintWriter(out, true),
              new PrintWriter(new StringWriter(), true),
              new ByteArrayInputStream(new byte[0]),
              "audit",
              "verify",
              file.toString());
      assertThat(out.toString()).contains("proofs: OK", "0 not verified");
      assertThat(code).as(out.toString()).isZero();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode entry(JsonNode report, String kind) {
    for (JsonNode e : report.path("entries")) {
      if (e.path("kind").asText().equals(kind)) {
        return e;
      }
    }
    throw new AssertionError("no " + kind + " entry in " + report);
  }

  private static JsonNode stepRecord(JsonNode report, String stepId) {
    for (JsonNode e : report.path("entries")) {
      if (e.path("kind").asText().equals("STEP") && e.path("stepId").asText().equals(stepId)) {
        return e.path("detail");
      }
    }
    throw new AssertionError("no STEP " + stepId + " in the report");
  }

  private long mutations(List<Map<String, String>> ws) {
    return InProcessClusterStarter.of(dev).mutationLog().stream()
        .filter(l -> !l.startsWith("GET"))
        .filter(
            l ->
                ws.stream()
                    .anyMatch(
                        w ->
                            l.contains(
                                "/apis/apps/v1/namespaces/shop/deployments/" + w.get("name"))))
        .count();
  }

  private record Cli(int code, String out, String err) {}

  private Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] argv = new String[args.length + 2];
    System.arraycopy(args, 0, argv, 0, args.length);
    argv[args.length] = "--server";
    argv[args.length + 1] = server.toString();
    int code =
        InterlockCli.run(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new ByteArrayInputStream(new byte[0]),
            argv);
    return new Cli(code, out.toString(), err.toString());
  }
}
