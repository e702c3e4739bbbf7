package io.interlock.worker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.interlock.worker.audit.HashChain;
import io.interlock.worker.audit.HistoryRuns;
import io.interlock.worker.cli.InterlockCli;
import io.interlock.worker.dev.DevStack;
import io.interlock.worker.dev.InProcessClusterStarter;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The whole dev stack in this JVM (embedded Temporal on a free port, the simulated cluster, the
 * workers, the REST API): every approval path goes through the workflow's gate, and what happened
 * is checked where it happened — HTTP answers, the cluster's objects, the history.
 */
@QuarkusTest
class DevStackTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AGENT = "dev-incident-bot";
  private static final String ALICE = "dev-alice";
  private static final String BOB = "dev-bob";
  private static final String CAROL = "dev-carol";
  private static final String DAVE = "dev-dave";

  @Inject DevStack dev;

  @TestHTTPResource("/")
  URL server;

  @Test
  @DisplayName(
      "a write started over REST waits in the inbox, survives every refused approval, and runs once after an allowed one")
  void restApprovalFlowWithRefusalsAndAudit() throws Exception {
    String task = start(AGENT, "staging", "ledger capacity");
    JsonNode step = propose(AGENT, task, scale("payments", "ledger", 3));
    assertThat(step.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    String hash = step.path("callHash").asText();
    String ledger = "/apis/apps/v1/namespaces/payments/deployments/ledger";
    // Step views show the proof rules too, not the keys the workflow checks proofs against.
    assertThat(step.path("policy").path("proofs").path("mode").asText()).isEqualTo("required");
    assertThat(step.path("policy").path("proofs").path("sshKeys").isEmpty()).isTrue();
    assertThat(step.path("policy").path("proofs").path("issuers").isEmpty()).isTrue();

    // The inbox is fed by a fire-and-forget activity after the step starts waiting: wait for its
    // entry.
    JsonNode inbox =
        await("the step in alice's inbox")
            .atMost(Duration.ofMinutes(2))
            .until(
                () ->
                    readTree(
                        given()
                            .auth()
                            .oauth2(ALICE)
                            .get("/api/approvals")
                            .then()
                            .statusCode(200)
                            .extract()
                            .asString()),
                i -> i.findValuesAsText("taskId").contains(task));
    JsonNode mine = find(inbox, task, "s1");
    assertThat(mine.path("canApprove").asBoolean()).isTrue();
    assertThat(mine.path("callHash").asText()).isEqualTo(hash);
    assertThat(mine.path("diff").asText()).contains("+  replicas: 3");
    // The inbox shows the proof rules, not the approvers' keys every pending copy would repeat.
    assertThat(mine.path("policy").path("proofs").path("mode").asText()).isEqualTo("required");
    assertThat(mine.path("policy").path("proofs").path("sshKeys").isEmpty()).isTrue();
    assertThat(mine.path("policy").path("proofs").path("issuers").isEmpty()).isTrue();
    JsonNode forAgent =
        JSON.readTree(given().auth().oauth2(AGENT).get("/api/approvals").asString());
    assertThat(find(forAgent, task, "s1").path("canApprove").asBoolean()).isFalse();
    JsonNode row =
        find(
            JSON.readTree(given().auth().oauth2(ALICE).get("/api/approvals/summary").asString()),
            task,
            "s1");
    assertThat(row.path("canApprove").asBoolean()).isTrue();
    assertThat(row.path("summary").asText()).isEqualTo(mine.path("summary").asText());
    assertThat(row.has("diff") || row.has("policy") || row.has("callHash")).isFalse();

    // No token, an unknown token, an agent: rejected before anything reaches the workflow.
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("callHash", hash))
        .post("/api/tasks/" + task + "/steps/s1/approve")
        .then()
        .statusCode(401);
    given()
        .auth()
        .oauth2("not-a-token")
        .contentType(ContentType.JSON)
        .body(Map.of("callHash", hash))
        .post("/api/tasks/" + task + "/steps/s1/approve")
        .then()
        .statusCode(401);
    given()
        .auth()
        .oauth2(AGENT)
        .contentType(ContentType.JSON)
        .body(Map.of("callHash", hash))
        .post("/api/tasks/" + task + "/steps/s1/approve")
        .then()
        .statusCode(403);
    // dave has no say in staging: he cannot even see the task, and his attempt never reaches it.
    assertThat(approve(DAVE, task, "s1", hash).statusCode()).isEqualTo(404);
    // The workflow refuses a wrong hash and an approver the policy does not allow (carol reviews,
    // never
    // approves, in staging), and records both.
    Response wrongHash = approve(ALICE, task, "s1", "sha256:" + "0".repeat(64));
    assertThat(wrongHash.statusCode()).isEqualTo(409);
    assertThat(wrongHash.jsonPath().getString("why")).contains("callHash mismatch");
    Response notAllowed = approve(CAROL, task, "s1", hash);
    assertThat(notAllowed.statusCode()).isEqualTo(409);
    assertThat(notAllowed.jsonPath().getString("why")).contains("not allowed by policy");
    assertThat(mutationsOf(ledger)).isZero();
    JsonNode waiting = status(ALICE, task);
    assertThat(waiting.path("steps").get(0).path("refusals")).hasSize(2);
    assertThat(waiting.path("steps").get(0).path("approvals")).isEmpty();

    Response ok = approve(ALICE, task, "s1", hash);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.jsonPath().getString("state"))
        .isIn("APPROVED", "POLICY_RECHECKED", "EXECUTING", "VERIFYING", "VERIFIED");
    JsonNode verified = awaitStep(task, "s1", "VERIFIED");
    assertThat(verified.path("approvals").get(0).path("approver").asText()).isEqualTo("alice");
    assertThat(replicas("payments", "ledger")).isEqualTo(3);
    assertThat(mutationsOf(ledger)).isEqualTo(1);
    given().auth().oauth2(ALICE).get("/api/approvals").then().statusCode(200);
    assertThat(
            JSON.readTree(given().auth().oauth2(ALICE).get("/api/approvals").asString())
                .findValuesAsText("taskId"))
        .doesNotContain(task);

    given().auth().oauth2(AGENT).post("/api/tasks/" + task + "/finish").then().statusCode(202);
    await("task completed")
        .atMost(Duration.ofMinutes(2))
        .until(() -> status(ALICE, task).path("state").asText(), s -> s.equals("COMPLETED"));

    // The audit report, from the history alone, has every required field of the step.
    String exported =
        given()
            .auth()
            .oauth2(ALICE)
            .get("/api/tasks/" + task + "/audit?format=json")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    JsonNode report = JSON.readTree(exported);
    assertThat(HashChain.verify(report).intact()).isTrue();
    JsonNode s1 = stepRecord(report, "s1");
    assertThat(s1.path("callJson").asText())
        .isEqualTo(
            "{\"args\":{\"name\":\"ledger\",\"namespace\":\"payments\",\"replicas\":3},\"tool\":\"k8s.scale\"}");
    assertThat(s1.path("callHash").asText()).isEqualTo(hash);
    assertThat(s1.path("preview").path("diff").asText()).contains("+  replicas: 3");
    assertThat(s1.path("policyDecisions").findValuesAsText("stage"))
        .containsExactly("PROPOSE", "RECHECK");
    assertThat(s1.path("policyDecisions").get(0).path("ruleId").asText()).isNotBlank();
    assertThat(s1.path("policyDecisions").get(0).path("policyVersion").asText())
        .startsWith("sha256:");
    assertThat(s1.path("approvalRequest").path("hashMatchesCanonicalCall").asBoolean()).isTrue();
    JsonNode decisions = s1.path("approvals");
    assertThat(decisions).hasSize(3);
    assertThat(decisions.get(0).path("outcome").asText()).isEqualTo("refused");
    assertThat(decisions.get(0).path("why").asText()).contains("callHash mismatch");
    assertThat(decisions.get(0).path("serverIdentity").asText()).isEqualTo("interlock-api:alice");
    assertThat(decisions.get(1).path("approver").asText()).isEqualTo("carol");
    assertThat(decisions.get(1).path("outcome").asText()).isEqualTo("refused");
    assertThat(decisions.get(1).path("why").asText()).contains("not allowed by policy");
    assertThat(decisions.get(1).path("serverIdentity").asText()).isEqualTo("interlock-api:carol");
    assertThat(decisions.get(2).path("approver").asText()).isEqualTo("alice");
    assertThat(decisions.get(2).path("serverIdentity").asText()).isEqualTo("interlock-api:alice");
    assertThat(decisions.get(2).path("via").asText()).isEqualTo("update decide");
    assertThat(decisions.get(2).path("outcome").asText()).isEqualTo("accepted");
    assertThat(decisions.get(2).path("at").asText()).isNotBlank();
    assertThat(s1.path("gate").path("outcome").asText()).isEqualTo("APPROVED");
    assertThat(s1.path("execution").path("startedAt").asText()).isNotBlank();
    assertThat(s1.path("execution").path("finishedAt").asText()).isNotBlank();
    assertThat(s1.path("delta").toString()).contains("spec.replicas");
    assertThat(s1.path("verification").path("verdict").asText()).isEqualTo("VERIFIED");
    assertThat(s1.path("verification").path("confidence").asText()).isIn("HIGH", "MEDIUM");
    assertThat(s1.path("verification").path("evidence")).isNotEmpty();
    String md =
        given()
            .auth()
            .oauth2(ALICE)
            .get("/api/tasks/" + task + "/audit?format=md")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(md).contains("## Step s1", "interlock-api:alice", "VERIFIED", hash);

    // Any edit to the export is detected, by the library and by the CLI.
    ObjectNode tampered = (ObjectNode) report.deepCopy();
    ((ObjectNode) stepRecord(tampered, "s1").path("approvals").get(2)).put("approver", "carol");
    assertThat(HashChain.verify(tampered).intact()).isFalse();
    Path file = Files.createTempFile("audit", ".json");
    Files.writeString(file, JSON.writeValueAsString(tampered));
    Cli verify = cli("audit", "verify", file.toString());
    assertThat(verify.code).isEqualTo(1);
    assertThat(verify.out).contains("TAMPERED");
    Files.writeString(file, exported);
    assertThat(cli("audit", "verify", file.toString()).code).isZero();
    exportHistory(task, "rest-approval-with-refusals");
  }

  @Test
  @DisplayName(
      "the requester can never approve their own write: refused by the workflow, recorded, nothing runs")
  void requesterCannotApprove() throws Exception {
    String task = start(BOB, "staging", "bob's own change");
    JsonNode step = propose(BOB, task, scale("shop", "db", 2, "StatefulSet"));
    Response self = approve(BOB, task, "s1", step.path("callHash").asText());
    assertThat(self.statusCode()).isEqualTo(409);
    assertThat(self.jsonPath().getString("why")).contains("self-approval");
    JsonNode s1 = status(ALICE, task).path("steps").get(0);
    assertThat(s1.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(s1.path("refusals").get(0).path("approver").asText()).isEqualTo("bob");
    assertThat(mutationsOf("/apis/apps/v1/namespaces/shop/statefulsets/db")).isZero();
    Response reject =
        given()
            .auth()
            .oauth2(ALICE)
            .contentType(ContentType.JSON)
            .body(
                Map.of(
                    "callHash",
                    step.path("callHash").asText(),
                    "reason",
                    "not during the incident"))
            .post("/api/tasks/" + task + "/steps/s1/reject");
    assertThat(reject.statusCode()).isEqualTo(200);
    assertThat(reject.jsonPath().getString("state")).isEqualTo("REJECTED");
    assertThat(mutationsOf("/apis/apps/v1/namespaces/shop/statefulsets/db")).isZero();
    JsonNode decisions = stepRecord(audit(task), "s1").path("approvals");
    assertThat(decisions).hasSize(2);
    assertThat(decisions.get(0).path("outcome").asText()).isEqualTo("refused");
    assertThat(decisions.get(0).path("why").asText()).contains("self-approval");
    assertThat(decisions.get(0).path("serverIdentity").asText()).isEqualTo("interlock-api:bob");
    assertThat(decisions.get(1).path("decision").asText()).isEqualTo("reject");
    assertThat(decisions.get(1).path("reason").asText()).isEqualTo("not during the incident");
    assertThat(decisions.get(1).path("serverIdentity").asText()).isEqualTo("interlock-api:alice");
    exportHistory(task, "self-approval-refused-then-rejected");
  }

  @Test
  @DisplayName(
      "a raw Temporal signal with plain JSON, as 'temporal workflow signal' sends it, is validated by the workflow and audited with the server's identity")
  void rawTemporalSignal() throws Exception {
    long before = mutationsOf("/apis/apps/v1/namespaces/shop/deployments/api");
    String task = start(AGENT, "staging", "api capacity");
    JsonNode step = propose(AGENT, task, scale("shop", "api", 4));
    String hash = step.path("callHash").asText();
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
      // A payload that claims an approver the policy does not allow: refused.
      raw.newUntypedWorkflowStub(task)
          .signal("approve", Map.of("stepId", "s1", "callHash", hash, "approver", "dave"));
      await("dave's refusal")
          .atMost(Duration.ofMinutes(2))
          .until(
              () -> status(ALICE, task).path("steps").get(0).path("refusals").size(), n -> n == 1);
      assertThat(mutationsOf("/apis/apps/v1/namespaces/shop/deployments/api")).isEqualTo(before);
      // While the task still runs, its audit already shows the raw signal's refusal, why, and who
      // sent it.
      JsonNode running =
          await("the refusal in the audit")
              .atMost(Duration.ofMinutes(2))
              .until(() -> audit(task), r -> stepRecord(r, "s1").path("approvals").size() == 1);
      assertThat(running.path("entries").get(0).path("detail").path("state").asText())
          .isEqualTo("AWAITING_APPROVAL");
      assertThat(running.path("entries").get(0).path("detail").path("finished").asBoolean())
          .isFalse();
      assertThat(HashChain.verify(running).intact()).isTrue();
      JsonNode refusal = stepRecord(running, "s1").path("approvals").get(0);
      assertThat(refusal.path("outcome").asText()).isEqualTo("refused");
      assertThat(refusal.path("approver").asText()).isEqualTo("dave");
      assertThat(refusal.path("why").asText()).contains("not allowed by policy");
      assertThat(refusal.path("via").asText()).isEqualTo("signal approve");
      assertThat(refusal.path("serverIdentity").asText()).isEqualTo("temporal-cli@laptop");
      // A payload that claims an allowed approver but carries no proof: refused too.
      raw.newUntypedWorkflowStub(task)
          .signal("approve", Map.of("stepId", "s1", "callHash", hash, "approver", "bob"));
      await("bob's unproven claim refused")
          .atMost(Duration.ofMinutes(2))
          .until(
              () -> status(ALICE, task).path("steps").get(0).path("refusals").size(), n -> n == 2);
      assertThat(
              status(ALICE, task).path("steps").get(0).path("refusals").get(1).path("why").asText())
          .contains("no proof");
      assertThat(mutationsOf("/apis/apps/v1/namespaces/shop/deployments/api")).isEqualTo(before);
      // bob signs with his demo SSH key through `interlock sign` (ssh-keygen -Y sign), and the JSON
      // it prints
      // is sent as the raw signal's input, exactly as `temporal workflow signal --input` would send
      // it.
      Cli signed =
          cli(
              "sign",
              task,
              "s1",
              "--as",
              "bob",
              "--key",
              dev.keys().resolve("bob_ed25519").toString(),
              "--comment",
              "capacity for the sale",
              "--token",
              ALICE);
      assertThat(signed.code).as(signed.err).isZero();
      JsonNode input = new com.fasterxml.jackson.databind.ObjectMapper().readTree(signed.out);
      assertThat(input.path("proof").path("signature").asText())
          .startsWith("-----BEGIN SSH SIGNATURE-----");
      raw.newUntypedWorkflowStub(task).signal("approve", input);
    } finally {
      stubs.shutdown();
    }
    awaitStep(task, "s1", "VERIFIED");
    assertThat(replicas("shop", "api")).isEqualTo(4);
    assertThat(mutationsOf("/apis/apps/v1/namespaces/shop/deployments/api")).isEqualTo(before + 1);
    given().auth().oauth2(AGENT).post("/api/tasks/" + task + "/finish").then().statusCode(202);
    await("task completed")
        .atMost(Duration.ofMinutes(2))
        .until(() -> status(ALICE, task).path("state").asText(), s -> s.equals("COMPLETED"));
    JsonNode decisions = stepRecord(audit(task), "s1").path("approvals");
    assertThat(decisions).hasSize(3);
    assertThat(decisions.get(0).path("via").asText()).isEqualTo("signal approve");
    assertThat(decisions.get(0).path("approver").asText()).isEqualTo("dave");
    assertThat(decisions.get(0).path("serverIdentity").asText()).isEqualTo("temporal-cli@laptop");
    assertThat(decisions.get(0).path("outcome").asText()).isEqualTo("refused");
    assertThat(decisions.get(1).path("approver").asText()).isEqualTo("bob");
    assertThat(decisions.get(1).path("outcome").asText()).isEqualTo("refused");
    assertThat(decisions.get(2).path("approver").asText()).isEqualTo("bob");
    assertThat(decisions.get(2).path("serverIdentity").asText()).isEqualTo("temporal-cli@laptop");
    assertThat(decisions.get(2).path("outcome").asText()).isEqualTo("accepted");
    assertThat(decisions.get(2).path("proof").path("keyFingerprint").asText())
        .startsWith("SHA256:");
    assertThat(
            status(ALICE, task)
                .path("steps")
                .get(0)
                .path("approvals")
                .get(0)
                .path("proof")
                .path("keyType")
                .asText())
        .isEqualTo("ssh-ed25519");
    exportHistory(task, "raw-signal-approval");
  }

  @Test
  @DisplayName(
      "after continue-as-new (twice), the audit reads every run: requester, goal, the executed write, gap-free")
  void auditSpansEveryRun() throws Exception {
    String task = "t-can-" + UUID.randomUUID();
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(dev.temporal().target()).build());
    try {
      WorkflowClient raw =
          WorkflowClient.newInstance(
              stubs, WorkflowClientOptions.newBuilder().setNamespace("default").build());
      io.interlock.workflows.AgentTask agent =
          raw.newWorkflowStub(
              io.interlock.workflows.AgentTask.class,
              io.temporal.client.WorkflowOptions.newBuilder()
                  .setTaskQueue("interlock-tasks")
                  .setWorkflowId(task)
                  .build());
      WorkflowClient.start(
          agent::run,
          new io.interlock.contract.commands.TaskRequest(
              "agent:sdk-bot", "staging", "long-lived task", null, null, null, null, 100, null));
      var write =
          agent.propose(
              new io.interlock.contract.commands.ToolCall(
                  "k8s.scale",
                  Map.of(
                      "namespace",
                      "payments",
                      "kind",
                      "Deployment",
                      "name",
                      "ledger",
                      "replicas",
                      2)));
      given()
          .auth()
          .oauth2(ALICE)
          .contentType(ContentType.JSON)
          .body(Map.of("callHash", write.callHash()))
          .post("/api/tasks/" + task + "/steps/" + write.stepId() + "/approve")
          .then()
          .statusCode(200);
      awaitStep(task, write.stepId(), "VERIFIED");
      for (int i = 0; i < 40; i++) {
        raw.newWorkflowStub(io.interlock.workflows.AgentTask.class, task)
            .propose(
                new io.interlock.contract.commands.ToolCall(
                    "k8s.get", Map.of("namespace", "shop", "kind", "Deployment", "name", "web")));
      }
    } finally {
      stubs.shutdown();
    }
    JsonNode report = audit(task);
    JsonNode header = report.path("entries").get(0).path("detail");
    assertThat(header.path("runs").size()).as("runs read").isGreaterThanOrEqualTo(3);
    assertThat(header.path("requester").asText()).isEqualTo("agent:sdk-bot");
    assertThat(header.path("goal").asText()).isEqualTo("long-lived task");
    assertThat(header.has("missingAuditSeq")).as(header.toString()).isFalse();
    JsonNode s1 = stepRecord(report, "s1");
    assertThat(s1.path("tool").asText()).isEqualTo("k8s.scale");
    assertThat(s1.path("state").asText()).isEqualTo("VERIFIED");
    assertThat(s1.path("approvals").get(0).path("proof").path("issuer").asText())
        .isEqualTo("interlock-api");
  }

  @Test
  @DisplayName(
      "DNS rebinding: a request for another host name gets 421, one from another site's page 403, and no demo token")
  void foreignHostsRefused() {
    for (String path : List.of("/ui/sign-in", "/api/tasks", "/mcp")) {
      Response r = given().header("Host", "attacker.example").auth().oauth2(ALICE).get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(421);
      assertThat(r.asString()).doesNotContain("dev-alice").contains("attacker.example", "next");
    }
    Response fromPage = given().header("Origin", "http://attacker.example").get("/ui/sign-in");
    assertThat(fromPage.statusCode()).isEqualTo(403);
    assertThat(fromPage.asString()).doesNotContain("dev-alice");
    given().get("/ui/sign-in").then().statusCode(200);
  }

  @Test
  @DisplayName(
      "ambiguous or malformed bodies (trailing garbage, two documents, duplicate keys, wrong types) get a JSON 400; nothing starts")
  void strictJsonErrors() {
    List<String> bodies =
        List.of(
            "{\"environment\":\"staging\",\"taskId\":\"strict-1\"} trailing",
            "{\"environment\":\"staging\",\"taskId\":\"strict-2\"}{\"environment\":\"prod\"}",
            "{\"environment\":\"staging\",\"environment\":\"prod\",\"taskId\":\"strict-3\"}",
            "{\"environment\":{\"a\":1},\"taskId\":\"strict-4\"}",
            "[1,2,3]");
    for (String body : bodies) {
      Response r =
          given().auth().oauth2(AGENT).contentType(ContentType.JSON).body(body).post("/api/tasks");
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(r.jsonPath().getString("error")).as(body).isNotBlank();
      assertThat(r.jsonPath().getString("next")).as(body).isNotBlank();
    }
    for (int i = 1; i <= 4; i++) {
      given().auth().oauth2(ALICE).get("/api/tasks/strict-" + i).then().statusCode(404);
    }
  }

  @Test
  @DisplayName(
      "an oversized REST plan or call is refused with 400 naming the rule; nothing starts and the server keeps serving")
  void oversizedInputsRefused() throws Exception {
    List<Map<String, Object>> plan = new java.util.ArrayList<>();
    for (int i = 0; i < 12_500; i++) {
      plan.add(Map.of("tool", "k8s.get", "args", Map.of("namespace", "shop", "name", "web")));
    }
    Response big =
        given()
            .auth()
            .oauth2(AGENT)
            .contentType(ContentType.JSON)
            .body(Map.of("taskId", "too-big", "environment", "staging", "steps", plan))
            .post("/api/tasks");
    assertThat(big.statusCode()).as(big.asString()).isEqualTo(400);
    assertThat(big.jsonPath().getString("error")).contains("steps: at most 500");
    assertThat(big.jsonPath().getString("next")).isNotBlank();
    given().auth().oauth2(ALICE).get("/api/tasks/too-big").then().statusCode(404);

    String task = start(AGENT, "staging", "big kind");
    Response huge =
        given()
            .auth()
            .oauth2(AGENT)
            .contentType(ContentType.JSON)
            .body(
                Map.of(
                    "tool",
                    "k8s.get",
                    "args",
                    Map.of("namespace", "shop", "name", "web", "kind", "x".repeat(1_000_000))))
            .post("/api/tasks/" + task + "/steps");
    assertThat(huge.statusCode()).as(huge.asString()).isEqualTo(400);
    assertThat(huge.jsonPath().getString("error")).isEqualTo("call too large");
    assertThat(huge.jsonPath().getString("why")).contains("bytes of JSON; at most 262144");
    JsonNode small =
        propose(
            AGENT,
            task,
            Map.of(
                "tool",
                "k8s.get",
                "args",
                Map.of("namespace", "shop", "kind", "Deployment", "name", "web")));
    assertThat(small.path("state").asText()).as(small.toString()).isEqualTo("SUCCEEDED");
  }

  @Test
  @DisplayName(
      "a 10 MB body, declared or streamed, is answered 413 with a JSON error naming the limit; nothing starts and the server keeps serving")
  void tenMegabyteBodiesRefused() throws Exception {
    String task = start(AGENT, "staging", "big bodies");
    String tenMegabytes =
        "{\"tool\":\"k8s.get\",\"args\":{\"kind\":\"" + "x".repeat(10_000_000) + "\"}}";
    for (String path : List.of("/api/tasks", "/api/tasks/" + task + "/steps")) {
      Response r =
          given().auth().oauth2(AGENT).contentType(ContentType.JSON).body(tenMegabytes).post(path);
      assertThat(r.statusCode()).as(path + ": " + r.asString()).isEqualTo(413);
      assertThat(r.jsonPath().getString("error")).isEqualTo("request body too large");
      assertThat(r.jsonPath().getString("why"))
          .contains("at most 4194304 bytes", "quarkus.http.limits.max-body-size");
      assertThat(r.jsonPath().getString("next")).contains("262144");
    }
    // Streamed (chunked, no Content-Length): the limit holds while it is read, with the same kind
    // of answer.
    java.net.http.HttpResponse<String> streamed =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        server.toURI().resolve("api/tasks/" + task + "/steps"))
                    .header("Authorization", "Bearer " + AGENT)
                    .header("Content-Type", "application/json")
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                            () ->
                                new ByteArrayInputStream(
                                    tenMegabytes.getBytes(StandardCharsets.UTF_8))))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(413);
    assertThat(JSON.readTree(streamed.body()).path("next").asText())
        .as(streamed.body())
        .isNotBlank();
    JsonNode after = status(AGENT, task);
    assertThat(after.path("state").asText()).isEqualTo("RUNNING");
    assertThat(after.path("steps")).isEmpty();
    // A small streamed body is still served.
    byte[] get =
        "{\"tool\":\"k8s.get\",\"args\":{\"namespace\":\"shop\",\"kind\":\"Deployment\",\"name\":\"web\"}}"
            .getBytes(StandardCharsets.UTF_8);
    java.net.http.HttpResponse<String> small =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        server.toURI().resolve("api/tasks/" + task + "/steps"))
                    .header("Authorization", "Bearer " + AGENT)
                    .header("Content-Type", "application/json")
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(get)))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
    assertThat(JSON.readTree(small.body()).path("state").asText())
        .as(small.body())
        .isEqualTo("SUCCEEDED");
  }

  @Test
  @DisplayName(
      "what the framework refuses (no such path, wrong method, wrong media type, unreadable parameter) is JSON {error, why, next} too")
  void frameworkErrorsAreJson() throws Exception {
    List<Response> answers =
        List.of(
            given().auth().oauth2(ALICE).get("/api/no-such-thing"),
            given().auth().oauth2(ALICE).delete("/api/tasks"),
            given()
                .auth()
                .oauth2(AGENT)
                .contentType(ContentType.TEXT)
                .body("hello")
                .post("/api/tasks"),
            given().auth().oauth2(ALICE).get("/api/tasks?limit=lots"));
    for (Response r : answers) {
      assertThat(r.statusCode()).as(r.asString()).isBetween(400, 499);
      assertThat(r.contentType()).as(r.asString()).startsWith("application/json");
      JsonNode body = JSON.readTree(r.asString());
      assertThat(body.path("error").asText()).as(r.asString()).isNotBlank();
      assertThat(body.path("why").asText()).as(r.asString()).isNotBlank();
      assertThat(body.path("next").asText()).as(r.asString()).isNotBlank();
    }
  }

  @Test
  @DisplayName(
      "'interlock approve --key' signs locally with the approver's SSH key; the API relays that proof, not its own")
  void cliApprovesWithOwnKey() throws Exception {
    String api = "/apis/apps/v1/namespaces/shop/deployments/api";
    long before = mutationsOf(api);
    String task =
        start(AGENT, "staging", "worker capacity\u001b[2J\u001b[H\rApprove? all good\u202e");
    propose(AGENT, task, scale("shop", "api", 6));
    Cli shown = cli("show", task, "--token", ALICE);
    assertThat(shown.out)
        .as("no control character reaches the terminal")
        .doesNotContain("\u001b", "\r", "\u202e")
        .contains("worker capacity?[2J?[H?Approve? all good?");
    Path bobsKey = dev.keys().resolve("bob_ed25519");
    Cli asAlice =
        cli("approve", task, "s1", "--yes", "--key", bobsKey.toString(), "--token", ALICE);
    assertThat(asAlice.code)
        .as("alice's token with bob's key: the workflow refuses the proof")
        .isEqualTo(1);
    assertThat(asAlice.err).contains("proof refused");
    Cli approved =
        cli("approve", task, "s1", "--yes", "--key", bobsKey.toString(), "--token", "dev-bob");
    assertThat(approved.code).as(approved.err).isZero();
    awaitStep(task, "s1", "VERIFIED");
    JsonNode proof =
        status(ALICE, task).path("steps").get(0).path("approvals").get(0).path("proof");
    assertThat(proof.path("keyType").asText()).isEqualTo("ssh-ed25519");
    assertThat(proof.path("keyFingerprint").asText()).startsWith("SHA256:");
    assertThat(mutationsOf(api)).isEqualTo(before + 1);
  }

  @Test
  @DisplayName(
      "the CLI lists, shows, approves and audits against the running stack with meaningful exit codes")
  void cliAgainstTheStack() throws Exception {
    String task = start(AGENT, "staging", "web rollout");
    propose(
        AGENT,
        task,
        Map.of(
            "tool",
            "k8s.set-image",
            "args",
            Map.of("namespace", "shop", "name", "web", "image", "nginx:1.27")));

    Cli tasks = cli("tasks", "--token", ALICE);
    assertThat(tasks.code).isZero();
    assertThat(tasks.out).contains(task, "AWAITING_APPROVAL");
    Cli show = cli("show", task, "--token", ALICE);
    assertThat(show.code).isZero();
    assertThat(show.out)
        .contains(
            "exact call:",
            "\"image\":\"nginx:1.27\"",
            "callHash:",
            "deadline:",
            "policy:",
            "+",
            "temporal workflow signal");
    Cli declined = cliWithInput("no\n", "approve", task, "s1", "--token", ALICE);
    assertThat(declined.code).isEqualTo(1);
    assertThat(cliWithInput("yes\n", "approve", task, "s1", "--token", AGENT).code).isEqualTo(4);
    assertThat(status(ALICE, task).path("steps").get(0).path("state").asText())
        .isEqualTo("AWAITING_APPROVAL");
    Cli approved = cliWithInput("yes\n", "approve", task, "s1", "--token", ALICE);
    assertThat(approved.code).isZero();
    assertThat(approved.out).contains("exact call:", "approved:");
    given().auth().oauth2(AGENT).post("/api/tasks/" + task + "/finish").then().statusCode(202);
    Cli watch = cli("watch", task, "--interval", "0.2", "--token", ALICE);
    assertThat(watch.code).isZero();
    assertThat(watch.out).contains("s1", "VERIFIED", "task " + task + " COMPLETED");
    assertThat(cli("show", "no-such-task", "--token", ALICE).code).isEqualTo(3);
    assertThat(cli("tasks", "--token", "wrong").code).isEqualTo(4);
    assertThat(cli("approve", task).code).isEqualTo(2);
    Cli catalog = cli("catalog", "--token", ALICE);
    assertThat(catalog.out).contains("k8s.scale", "WRITE", "k8s.get", "READ");
    Cli audit = cli("audit", task, "--format", "md", "--token", ALICE);
    assertThat(audit.code).isZero();
    assertThat(audit.out).contains("# Audit report: " + task, "k8s.set-image");
    Cli envs = cli("environments", "--token", ALICE);
    assertThat(envs.out).contains("staging", "prod");
  }

  // ---- helpers ------------------------------------------------------------------------------

  private String start(String token, String env, String goal) throws Exception {
    String id = "t-" + UUID.randomUUID();
    Response r =
        given()
            .auth()
            .oauth2(token)
            .contentType(ContentType.JSON)
            .body(Map.of("taskId", id, "environment", env, "goal", goal))
            .post("/api/tasks");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    assertThat(r.jsonPath().getString("requester"))
        .isEqualTo(token.equals(AGENT) ? "agent:incident-bot" : token.substring(4));
    return id;
  }

  private JsonNode propose(String token, String task, Map<String, Object> call) throws Exception {
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

  private static Map<String, Object> scale(String ns, String name, int replicas) {
    return Map.of(
        "tool", "k8s.scale", "args", Map.of("namespace", ns, "name", name, "replicas", replicas));
  }

  private static Map<String, Object> scale(String ns, String name, int replicas, String kind) {
    return Map.of(
        "tool",
        "k8s.scale",
        "args",
        Map.of("namespace", ns, "name", name, "replicas", replicas, "kind", kind));
  }

  private static Response approve(String token, String task, String step, String hash) {
    return given()
        .auth()
        .oauth2(token)
        .contentType(ContentType.JSON)
        .body(Map.of("callHash", hash))
        .post("/api/tasks/" + task + "/steps/" + step + "/approve");
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

  private static JsonNode status(String token, String task) {
    try {
      return JSON.readTree(
          given()
              .auth()
              .oauth2(token)
              .get("/api/tasks/" + task)
              .then()
              .statusCode(200)
              .extract()
              .asString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode awaitStep(String task, String step, String state) {
    return await(task + "/" + step + " " + state)
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> {
              for (JsonNode s : status(ALICE, task).path("steps")) {
                if (s.path("stepId").asText().equals(step)) {
                  return s;
                }
              }
              return JSON.createObjectNode();
            },
            s ->
                s.path("state").asText().equals(state)
                    || s.path("state").asText().equals("FAILED"));
  }

  private static JsonNode find(JsonNode inbox, String task, String step) {
    for (JsonNode p : inbox) {
      if (p.path("taskId").asText().equals(task) && p.path("stepId").asText().equals(step)) {
        return p;
      }
    }
    throw new AssertionError("no pending approval " + task + "/" + step + " in " + inbox);
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonNode stepRecord(JsonNode report, String stepId) {
    for (JsonNode e : report.path("entries")) {
      if (e.path("kind").asText().equals("STEP") && e.path("stepId").asText().equals(stepId)) {
        return e.path("detail");
      }
    }
    throw new AssertionError("no STEP " + stepId + " in the report");
  }

  private int replicas(String ns, String name) {
    Deployment d =
        InProcessClusterStarter.of(dev)
            .client()
            .apps()
            .deployments()
            .inNamespace(ns)
            .withName(name)
            .get();
    return d.getSpec().getReplicas();
  }

  private long mutationsOf(String path) {
    List<String> log = InProcessClusterStarter.of(dev).mutationLog();
    return log.stream().filter(l -> l.contains(path) && !l.startsWith("GET")).count();
  }

  /**
   * Saves the task's history in $TMPDIR, or as a replay fixture with -Dhistories.write=true
   * (outside interlock.*, which Quarkus validates).
   */
  private void exportHistory(String task, String name) throws Exception {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(dev.temporal().target()).build());
    try {
      WorkflowClient c = WorkflowClient.newInstance(stubs);
      Path dir =
          Boolean.getBoolean("histories.write")
              ? Path.of("../workflows/src/test/resources/histories/dev-server")
              : Path.of(System.getProperty("java.io.tmpdir"), "interlock-histories");
      Files.createDirectories(dir);
      Files.writeString(
          dir.resolve(name + ".json"), HistoryRuns.fetch(c, task).get(0).toJson(true));
    } finally {
      stubs.shutdown();
    }
  }

  private record Cli(int code, String out, String err) {}

  private Cli cli(String... args) {
    return cliWithInput("", args);
  }

  private Cli cliWithInput(String input, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] withServer = new String[args.length + 2];
    System.arraycopy(args, 0, withServer, 0, args.length);
    boolean local = args.length > 1 && args[0].equals("audit") && args[1].equals("verify");
    int n = args.length;
    if (!local) {
      withServer[n] = "--server";
      withServer[n + 1] = server.toString();
    }
    String[] argv = local ? args : withServer;
    int code =
        InterlockCli.run(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
            argv);
    return new Cli(code, out.toString(), err.toString());
  }
}
