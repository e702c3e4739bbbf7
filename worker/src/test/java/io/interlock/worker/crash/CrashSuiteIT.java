package io.interlock.worker.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * kill -9 at every point of a write's life, on the production topology in separate processes
 * ({@link Topology}), with the simulated API server's mutation log as the oracle. Every case: the
 * task resumes and ends in a legal state, the approved write is applied exactly once (never lost,
 * never twice), and the audit is complete and verifies ({@code interlock audit verify}, a process).
 * A write whose outcome cannot be known is reported as unknown, never guessed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashSuiteIT {
  private static final Duration LONG = Duration.ofMinutes(5);
  private Topology t;
  private Instant began;
  private final List<String> figures = new ArrayList<>();
  private int cases;

  @BeforeAll
  void boot() {
    began = Instant.now();
    t = new Topology("crash", "200ms", "256m").start();
    figures.add(
        String.format(
            "topology up in %d ms (Temporal CLI %s server, sim-cluster, api, worker: 4 processes)",
            Duration.between(began, Instant.now()).toMillis(),
            io.interlock.worker.temporal.TemporalCli.VERSION));
    for (String name :
        List.of(
            "crash-1",
            "crash-2",
            "crash-3",
            "crash-3b",
            "crash-4",
            "crash-5",
            "crash-6",
            "crash-7")) {
      t.simCall("POST", "/apis/apps/v1/namespaces/shop/deployments", deployment(name));
    }
  }

  @AfterAll
  void report() {
    if (t == null) {
      return;
    }
    List<String> log = t.mutations();
    figures.add(
        String.format(
            "%d crash cases, %d kills, %d mutations in the API server's log (8 creates by the test),"
                + " %d s in all",
            cases, kills, log.size(), Duration.between(began, Instant.now()).toSeconds()));
    String text = String.join("\n", figures);
    System.out.println("\n==== crash suite figures\n" + text + "\n");
    try {
      Files.writeString(Path.of("target/crash-suite-figures.txt"), text + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    t.close();
  }

  private int kills;

  @Test
  @Order(0)
  @DisplayName(
      "the worker process (roles=worker) serves no HTTP: the agent's REST and MCP calls get 404 and start nothing")
  void workerServesNoHttp() {
    Map<String, Object> start =
        Map.of("taskId", "via-worker", "environment", "staging", "goal", "around the API");
    for (String[] call :
        new String[][] {
          {"POST", "/api/tasks"}, {"GET", "/api/tasks"}, {"POST", "/mcp"}, {"GET", "/"}
        }) {
      HttpResponse<String> r = t.callAt(t.workerHttp, Topology.AGENT, call[0], call[1], start);
      assertThat(r.statusCode())
          .as("%s %s on the worker: %s", call[0], call[1], r.body())
          .isEqualTo(404);
    }
    assertThat(t.call(Topology.AGENT, "GET", "/api/tasks", null).statusCode())
        .as("the API process answers")
        .isEqualTo(200);
    assertThat(t.call(Topology.BOB, "GET", "/api/tasks/via-worker", null).statusCode())
        .as("no task was started")
        .isEqualTo(404);
  }

  @Test
  @Order(1)
  @DisplayName(
      "worker killed while the write awaits approval: restarted, the approval executes it once")
  void workerKilledAwaitingApproval() {
    Case c = propose("crash-1", scale("crash-1"));
    killWorker();
    t.worker.start("Interlock worker is up", Duration.ofMinutes(2));
    approve(c);
    settle(c, "VERIFIED");
  }

  @Test
  @Order(2)
  @DisplayName(
      "worker killed, then approved: the step waits APPROVED (no re-check without a worker) and runs once after restart")
  void workerKilledApprovedBeforeRecheck() {
    Case c = propose("crash-2", scale("crash-2"));
    killWorker();
    approve(c);
    await("step APPROVED and waiting for the re-check")
        .atMost(Duration.ofMinutes(2))
        .until(() -> stepState(c), s -> s.equals("APPROVED"));
    assertThat(writesTo("crash-2")).as("nothing runs without a worker").isEmpty();
    t.worker.start("Interlock worker is up", Duration.ofMinutes(2));
    settle(c, "VERIFIED");
  }

  @Test
  @Order(3)
  @DisplayName(
      "worker killed mid-execute (write applied, answer held): the idempotent write is recognised as its own, the other is reported outcome unknown; neither runs twice")
  void workerKilledMidExecute() {
    Case idem = propose("crash-3", scale("crash-3"));
    Case once =
        propose(
            "crash-3b",
            Map.of(
                "tool",
                "k8s.rollout-restart",
                "args",
                Map.of("kind", "Deployment", "namespace", "shop", "name", "crash-3b")));
    t.hold("PUT", path("crash-3"), 0, 600);
    t.hold("PUT", path("crash-3b"), 0, 600);
    approve(idem);
    approve(once);
    await("both writes applied with their answers held")
        .atMost(Duration.ofMinutes(2))
        .until(
            t::held,
            h -> h.contains("PUT " + path("crash-3")) && h.contains("PUT " + path("crash-3b")));
    assertThat(writesTo("crash-3")).hasSize(1);
    assertThat(writesTo("crash-3b")).hasSize(1);
    killWorker();
    t.worker.start("Interlock worker is up", Duration.ofMinutes(2));
    JsonNode s = settle(idem, "VERIFIED");
    assertThat(s.path("result").path("recognisedOwnWrite").asBoolean())
        .as("found its own write: %s", s)
        .isTrue();
    JsonNode u = settle(once, "FAILED");
    assertThat(u.path("error").asText()).as("reported, not guessed").startsWith("outcome unknown:");
  }

  @Test
  @Order(4)
  @DisplayName(
      "worker killed after the server recorded the write's result, before verification started: verification runs after restart")
  void workerKilledExecutedNotVerifying() {
    Case c = propose("crash-4", scale("crash-4"));
    // The workflow runs in the API process: frozen, it cannot schedule verification after the
    // write.
    t.hold("PUT", path("crash-4"), 0, 3);
    approve(c);
    await("the write applied, answer held")
        .atMost(Duration.ofMinutes(2))
        .until(t::held, h -> h.contains("PUT " + path("crash-4")));
    t.apiProcess.signal("STOP");
    try {
      await("the server recorded the execute activity's completion")
          .atMost(Duration.ofMinutes(2))
          .until(() -> executeCompleted(c.taskId), done -> done);
      killWorker();
    } finally {
      t.apiProcess.signal("CONT");
    }
    await("step VERIFYING (EXECUTED recorded, no worker to verify)")
        .atMost(Duration.ofMinutes(2))
        .until(() -> stepState(c), st -> st.equals("VERIFYING"));
    t.worker.start("Interlock worker is up", Duration.ofMinutes(2));
    settle(c, "VERIFIED");
  }

  @Test
  @Order(5)
  @DisplayName(
      "worker killed mid-verify (its observation held at the API server): verification is retried and passes; the write is not repeated")
  void workerKilledMidVerify() {
    Case c = propose("crash-5", scale("crash-5"));
    t.hold("GET", path("crash-5"), t.mutations().size() + 1, 600);
    approve(c);
    await("verification's first read held")
        .atMost(Duration.ofMinutes(2))
        .until(t::held, h -> h.contains("GET " + path("crash-5")));
    assertThat(writesTo("crash-5")).hasSize(1);
    killWorker();
    t.worker.start("Interlock worker is up", Duration.ofMinutes(2));
    settle(c, "VERIFIED");
  }

  @Test
  @Order(6)
  @DisplayName(
      "Temporal server killed while the write awaits approval, restarted on the same SQLite file: the approval executes it once")
  void temporalKilledAwaitingApproval() {
    Case c = propose("crash-6", scale("crash-6"));
    killTemporal();
    t.startTemporal();
    await("the API reads the task again")
        .atMost(LONG)
        .until(
            () -> t.call(Topology.BOB, "GET", "/api/tasks/" + c.taskId, null).statusCode(),
            code -> code == 200);
    assertThat(stepState(c)).isEqualTo("AWAITING_APPROVAL");
    approve(c);
    settle(c, "VERIFIED");
  }

  @Test
  @Order(7)
  @DisplayName(
      "Temporal server killed mid-execute, restarted on the same SQLite file: the write's result lands once")
  void temporalKilledMidExecute() {
    Case c = propose("crash-7", scale("crash-7"));
    t.hold("PUT", path("crash-7"), 0, 4);
    approve(c);
    await("the write applied, answer held")
        .atMost(Duration.ofMinutes(2))
        .until(t::held, h -> h.contains("PUT " + path("crash-7")));
    killTemporal();
    t.startTemporal();
    settle(c, "VERIFIED");
  }

  // ---- one case ------------------------------------------------------------------------------

  private record Case(
      String deployment, String taskId, String stepId, String callHash, Instant began) {}

  private Case propose(String deployment, Map<String, Object> call) {
    cases++;
    String task = deployment + "-" + Long.toString(System.currentTimeMillis(), 36);
    Instant began = Instant.now();
    t.ok(
        Topology.AGENT,
        "POST",
        "/api/tasks",
        Map.of("taskId", task, "environment", "staging", "goal", "crash " + deployment));
    JsonNode step = t.ok(Topology.AGENT, "POST", "/api/tasks/" + task + "/steps", call);
    assertThat(step.path("state").asText()).as("%s", step).isEqualTo("AWAITING_APPROVAL");
    return new Case(
        deployment, task, step.path("stepId").asText(), step.path("callHash").asText(), began);
  }

  private void approve(Case c) {
    HttpResponse<String> r =
        t.call(
            Topology.BOB,
            "POST",
            "/api/tasks/" + c.taskId + "/steps/" + c.stepId + "/approve",
            Map.of("callHash", c.callHash));
    assertThat(r.statusCode()).as("approve: %s", r.body()).isEqualTo(200);
  }

  /**
   * The case's end: the step reaches {@code expected}, the write is in the API server's log exactly
   * once, the task completes and its audit is complete and verifies. Returns the final step.
   */
  private JsonNode settle(Case c, String expected) {
    JsonNode step =
        await("step " + c.stepId + " of " + c.taskId + " final")
            .atMost(LONG)
            .until(
                () -> step(c),
                s ->
                    List.of(
                            "VERIFIED",
                            "VERIFICATION_FAILED",
                            "FAILED",
                            "BLOCKED",
                            "REJECTED",
                            "EXPIRED")
                        .contains(s.path("state").asText()));
    assertThat(step.path("state").asText()).as("%s", step).isEqualTo(expected);
    assertThat(writesTo(c.deployment))
        .as("the approved write, exactly once")
        .containsExactly("PUT " + path(c.deployment));
    t.ok(Topology.AGENT, "POST", "/api/tasks/" + c.taskId + "/finish", null);
    // A failed step halts its task: it ends HALTED, a verified one COMPLETED.
    String ended = expected.equals("VERIFIED") ? "COMPLETED" : "HALTED";
    await("task " + ended)
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> t.ok(Topology.BOB, "GET", "/api/tasks/" + c.taskId, null).path("state").asText(),
            s -> s.equals(ended));
    JsonNode report = auditVerifies(c);
    JsonNode record = null;
    for (JsonNode e : report.path("entries")) {
      if (e.path("kind").asText().equals("STEP") && e.path("stepId").asText().equals(c.stepId)) {
        record = e.path("detail");
      }
    }
    assertThat(record).as("step record in the audit").isNotNull();
    assertThat(record.path("state").asText()).isEqualTo(expected);
    JsonNode approvals = record.path("approvals");
    assertThat(approvals).as("one approval decision: %s", approvals).hasSize(1);
    assertThat(approvals.get(0).path("outcome").asText()).isEqualTo("accepted");
    assertThat(approvals.get(0).path("approver").asText()).isEqualTo("bob");
    assertThat(approvals.get(0).path("proof").path("verified").asBoolean())
        .as("proof verified: %s", approvals)
        .isTrue();
    assertThat(record.path("gate").path("outcome").asText()).isEqualTo("APPROVED");
    assertThat(record.path("policyDecisions").findValuesAsText("stage"))
        .containsExactly("PROPOSE", "RECHECK");
    assertThat(record.path("execution").path("outcome").asText())
        .isIn("EXECUTED", "EXECUTION_FAILED");
    figures.add(
        String.format(
            "%-10s %-18s %3d s  writes to the target: %d",
            c.deployment,
            expected,
            Duration.between(c.began, Instant.now()).toSeconds(),
            writesTo(c.deployment).size()));
    return step;
  }

  /** GET the audit export and run {@code interlock audit verify} on it as a process: exit 0. */
  private JsonNode auditVerifies(Case c) {
    HttpResponse<String> r =
        t.call(Topology.BOB, "GET", "/api/tasks/" + c.taskId + "/audit?format=json", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    try {
      Path file = t.home.resolve(c.taskId + "-audit.json");
      Files.writeString(file, r.body());
      Path out = t.home.resolve(c.taskId + "-verify.txt");
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Duser.home=" + t.keysHome,
                  "-jar",
                  Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath().toString(),
                  "audit",
                  "verify",
                  file.toString())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("interlock audit verify: %s", Files.readString(out)).isZero();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
    return Topology.tree(r.body());
  }

  private JsonNode step(Case c) {
    for (JsonNode s : t.ok(Topology.BOB, "GET", "/api/tasks/" + c.taskId, null).path("steps")) {
      if (s.path("stepId").asText().equals(c.stepId)) {
        return s;
      }
    }
    throw new AssertionError("no step " + c.stepId + " in " + c.taskId);
  }

  private String stepState(Case c) {
    return step(c).path("state").asText();
  }

  /** True once the history holds the completion of the task's execute activity. */
  private boolean executeCompleted(String taskId) {
    List<HistoryEvent> events =
        t.temporalClient().fetchHistory(taskId).getHistory().getEventsList();
    List<Long> executes = new ArrayList<>();
    for (HistoryEvent e : events) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
          && e.getActivityTaskScheduledEventAttributes()
              .getActivityType()
              .getName()
              .equals("Execute")) {
        executes.add(e.getEventId());
      }
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
          && executes.contains(e.getActivityTaskCompletedEventAttributes().getScheduledEventId())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The mutation log's lines that touch one deployment (its create went to the collection path).
   */
  private List<String> writesTo(String deployment) {
    String p = path(deployment);
    return t.mutations().stream()
        .filter(l -> l.endsWith(" " + p) || l.contains(" " + p + "/"))
        .toList();
  }

  private void killWorker() {
    kills++;
    t.worker.kill9();
  }

  private void killTemporal() {
    kills++;
    t.temporal.kill9();
  }

  private static String path(String deployment) {
    return "/apis/apps/v1/namespaces/shop/deployments/" + deployment;
  }

  private static Map<String, Object> scale(String deployment) {
    return Map.of(
        "tool",
        "k8s.scale",
        "args",
        Map.of("kind", "Deployment", "namespace", "shop", "name", deployment, "replicas", 3));
  }

  private static String deployment(String name) {
    return """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%1$s","namespace":"shop","labels":{"app":"%1$s"}},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"%1$s"}},
          "template":{"metadata":{"labels":{"app":"%1$s"}},"spec":{"containers":[{"name":"app","image":"shop/%1$s:1.0"}]}}}}
        """
        .formatted(name);
  }
}
