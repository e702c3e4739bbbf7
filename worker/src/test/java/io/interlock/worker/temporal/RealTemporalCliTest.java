package io.interlock.worker.temporal;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.worker.Eventually;
import io.interlock.worker.audit.HashChain;
import io.interlock.worker.cli.InterlockCli;
import io.interlock.worker.dev.DevStack;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
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
 * The README's Temporal CLI walkthrough for real: {@code temporal server start-dev} as its own process,
 * the dev stack on it ({@code interlock.dev.temporal-target}), and the operator's commands run by the
 * real {@code temporal} binary. Fails (never skips) without the binary: {@code ./interlock test} installs it.
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
  @DisplayName("temporal CLI on a real server: list finds the waiting task, query shows it, an unproven signal is refused, the signed one runs once, show exports an auditable history")
  void operatorWalkthroughWithTheRealCli() throws Exception {
    assertThat(dev.usesExternalTemporal()).isTrue();
    TemporalCli temporal = new TemporalCli(dev.temporalTarget());
    long before = mutationsOf(LEDGER);
    String task = start();
    JsonNode proposed = propose(task, Map.of("tool", "k8s.scale",
        "args", Map.of("namespace", "payments", "name", "ledger", "replicas", 5)));
    assertThat(proposed.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    String hash = proposed.path("callHash").asText();

    // Real visibility with the registered search attributes (eventually consistent, so poll).
    Eventually.until(Duration.ofSeconds(30), "the task in 'temporal workflow list'",
        () -> temporal.run("workflow", "list", "--query", "InterlockTaskState=\"AWAITING_APPROVAL\"").ok().out(),
        out -> out.contains(task));

    JsonNode status = queryStatus(temporal, task);
    assertThat(status.path("steps").get(0).path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(status.path("steps").get(0).path("callHash").asText()).isEqualTo(hash);

    // The attack next to the happy path: an allowed approver's name and the right hash, but no proof.
    String unproven = JSON.writeValueAsString(Map.of("stepId", "s1", "callHash", hash, "approver", "alice"));
    temporal.run("workflow", "signal", "--workflow-id", task, "--name", "approve", "--input", unproven).ok();
    JsonNode refused = Eventually.until(Duration.ofSeconds(30), "the unproven approval refused",
        () -> queryStatus(temporal, task).path("steps").get(0), s -> s.path("refusals").size() == 1);
    assertThat(refused.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(refused.path("refusals").get(0).path("why").asText()).contains("no proof");
    assertThat(mutationsOf(LEDGER)).isEqualTo(before);

    // alice signs with her demo SSH key; the JSON `interlock sign` prints is the signal's --input.
    Cli signed = cli("sign", task, "s1", "--as", "alice", "--key", dev.keys().resolve("alice_ed25519").toString(),
        "--comment", "ledger capacity", "--token", ALICE, "--server", server.toString());
    assertThat(signed.code).as(signed.err).isZero();
    temporal.run("workflow", "signal", "--workflow-id", task, "--name", "approve", "--input", signed.out.trim()).ok();
    JsonNode verified = Eventually.until(Duration.ofSeconds(45), "s1 VERIFIED",
        () -> queryStatus(temporal, task).path("steps").get(0),
        s -> s.path("state").asText().equals("VERIFIED") || s.path("state").asText().equals("FAILED"));
    assertThat(verified.path("state").asText()).isEqualTo("VERIFIED");
    assertThat(verified.path("approvals").get(0).path("approver").asText()).isEqualTo("alice");
    assertThat(mutationsOf(LEDGER)).isEqualTo(before + 1);

    // The real server's export of the finished task is what `interlock audit --history` and `interlock replay` read.
    given().auth().oauth2(AGENT).post("/api/tasks/" + task + "/finish").then().statusCode(202);
    Eventually.until(Duration.ofSeconds(30), "task completed", () -> queryStatus(temporal, task).path("state").asText(),
        s -> s.equals("COMPLETED"));
    Path history = Files.createTempFile("real-temporal-history", ".json");
    Files.writeString(history, temporal.run("workflow", "show", "--workflow-id", task, "--output", "json").ok().out());
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
    assertThat(stepRecord(report, "s1").path("verification").path("verdict").asText()).isEqualTo("VERIFIED");
    Cli replay = cli("replay", history.toString());
    assertThat(replay.code).as(replay.out + replay.err).isZero();
    assertThat(replay.out).contains("replays deterministically");
    Files.deleteIfExists(history);
  }

  /** {@code temporal workflow query --name status}, its first result as JSON. */
  private static JsonNode queryStatus(TemporalCli temporal, String task) {
    String out = temporal.run("workflow", "query", "--workflow-id", task, "--name", "status", "--output", "json").ok().out();
    try {
      JsonNode result = JSON.readTree(out).path("queryResult");
      return result.isArray() ? result.get(0) : result;
    } catch (Exception e) {
      throw new AssertionError("not JSON from temporal workflow query: " + out, e);
    }
  }

  private static String start() {
    String id = "t-" + UUID.randomUUID();
    Response r = given().auth().oauth2(AGENT).contentType(ContentType.JSON)
        .body(Map.of("taskId", id, "environment", "staging", "goal", "ledger capacity")).post("/api/tasks");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    return id;
  }

  private static JsonNode propose(String task, Map<String, Object> call) throws Exception {
    Response r = given().auth().oauth2(AGENT).contentType(ContentType.JSON).body(call).post("/api/tasks/" + task + "/steps");
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
    return dev.cluster().mutationLog().stream().filter(l -> l.contains(path) && !l.startsWith("GET")).count();
  }

  private record Cli(int code, String out, String err) {}

  private static Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = InterlockCli.run(new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(new byte[0]), args);
    return new Cli(code, out.toString(), err.toString());
  }
}
