package io.interlock.worker.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.activities.policy.PolicyFile;
import io.interlock.contract.values.ProofPolicy;
import io.interlock.worker.audit.AuditSigner;
import io.interlock.worker.audit.AuditVerification;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The load invariant on the production topology ({@link Topology}): N concurrent tasks with a
 * random mix of outcomes, then the simulated API server's mutation log and every task's audit must
 * agree exactly: every engine write in the log maps to one approved, executed step and every
 * executed step to one write; every task ends in its legal state; every audit verifies. N is {@code
 * -Dinterlock.load.tasks} (default 35 in {@code verify}; the README gives a 500-task run).
 */
class LoadInvariantIT {
  private static final int TASKS = Integer.getInteger("interlock.load.tasks", 35);
  private static final int THREADS = Integer.getInteger("interlock.load.threads", 16);
  private static final long SEED = Long.getLong("interlock.load.seed", System.currentTimeMillis());
  private static final Duration PATIENCE = Duration.ofMinutes(10);

  /** What happens to a task's write. */
  enum Kind {
    APPROVE,
    REJECT,
    EXPIRE,
    BAD_PROOF,
    SELF_APPROVAL,
    TARGET_CHANGED,
    ROLLBACK
  }

  /**
   * What a task must end as: its steps' states, the task's state and the engine's writes to its
   * target.
   */
  private record Expected(List<String> steps, String task, int writes) {}

  private static final Map<Kind, Expected> EXPECTED =
      new EnumMap<>(
          Map.of(
              Kind.APPROVE, new Expected(List.of("VERIFIED"), "COMPLETED", 1),
              Kind.REJECT, new Expected(List.of("REJECTED"), "HALTED", 0),
              Kind.EXPIRE, new Expected(List.of("EXPIRED"), "HALTED", 0),
              Kind.BAD_PROOF, new Expected(List.of("REJECTED"), "HALTED", 0),
              Kind.SELF_APPROVAL, new Expected(List.of("VERIFIED"), "COMPLETED", 1),
              Kind.TARGET_CHANGED, new Expected(List.of("FAILED"), "HALTED", 0),
              Kind.ROLLBACK,
                  new Expected(List.of("VERIFICATION_FAILED", "VERIFIED"), "HALTED", 2)));

  private record Ran(int i, Kind kind, String taskId) {}

  @Test
  @DisplayName(
      "N concurrent tasks, random mix: every write in the API server's log is one approved step and vice versa, every task legal, every audit verifies")
  void everyMutationIsOneApprovedStep() throws Exception {
    try (Topology t = new Topology("load", "200ms", "512m").start()) {
      List<Kind> kinds = new ArrayList<>();
      for (int i = 0; i < TASKS; i++) {
        kinds.add(Kind.values()[i % Kind.values().length]);
      }
      Collections.shuffle(kinds, new Random(SEED));
      for (int i = 0; i < TASKS; i++) {
        t.simCall("POST", "/apis/apps/v1/namespaces/shop/deployments", deployment(name(i)));
      }
      Instant began = Instant.now();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<Ran>> running = new ArrayList<>();
      for (int i = 0; i < TASKS; i++) {
        int n = i;
        running.add(pool.submit(() -> run(t, n, kinds.get(n))));
      }
      List<Ran> ran = new ArrayList<>();
      for (Future<Ran> f : running) {
        ran.add(f.get());
      }
      pool.shutdown();
      Duration took = Duration.between(began, Instant.now());

      List<String> log = t.mutations();
      ProofPolicy keys = PolicyFile.loadDefault().identities().resolve(ProofPolicy.REQUIRED);
      var auditKeys =
          AuditSigner.publicKeys(
              Files.readString(t.keysHome.resolve(AuditSigner.DEFAULT_PUBLIC_KEY_FILE)));
      int executedSteps = 0;
      int accepted = 0;
      int refusals = 0;
      Map<Kind, Integer> byKind = new TreeMap<>();
      for (Ran r : ran) {
        byKind.merge(r.kind(), 1, Integer::sum);
        Expected want = EXPECTED.get(r.kind());
        JsonNode task = t.ok(Topology.BOB, "GET", "/api/tasks/" + r.taskId(), null);
        assertThat(task.path("state").asText())
            .as("%s %s: %s", r.kind(), r.taskId(), task)
            .isEqualTo(want.task());
        assertThat(task.path("steps").findValuesAsText("state"))
            .as("%s %s", r.kind(), r.taskId())
            .containsExactlyElementsOf(want.steps());
        JsonNode report =
            t.ok(Topology.BOB, "GET", "/api/tasks/" + r.taskId() + "/audit?format=json", null);
        AuditVerification.Findings findings =
            AuditVerification.check(report, auditKeys, keys, false);
        assertThat(findings.ok())
            .as(
                "audit of %s verifies: %s %s",
                r.taskId(), findings.signature().line(), findings.chain())
            .isTrue();
        int executed = 0;
        for (JsonNode e : report.path("entries")) {
          if (!e.path("kind").asText().equals("STEP")) {
            continue;
          }
          JsonNode step = e.path("detail");
          boolean ran1 =
              step.path("execution").path("outcome").asText().equals("EXECUTED")
                  || step.path("state").asText().equals("VERIFIED")
                  || step.path("state").asText().equals("VERIFICATION_FAILED");
          List<JsonNode> ok = new ArrayList<>();
          for (JsonNode a : step.path("approvals")) {
            if (a.path("outcome").asText().equals("accepted")
                && a.path("decision").asText().equals("approve")) {
              ok.add(a);
            } else if (a.path("outcome").asText().equals("refused")) {
              refusals++;
            }
          }
          accepted += ok.size();
          if (ran1) {
            executed++;
            // The write ran only on a proven approval by someone other than the requester.
            assertThat(ok)
                .as("approval of executed step %s/%s", r.taskId(), step.path("stepId").asText())
                .hasSize(1);
            assertThat(ok.get(0).path("proof").path("verified").asBoolean()).isTrue();
            assertThat(ok.get(0).path("approver").asText())
                .isNotEqualTo(task.path("requester").asText())
                .isEqualTo("bob");
          }
        }
        String path = path(name(r.i()));
        long puts = log.stream().filter(l -> l.equals("PUT " + path)).count();
        assertThat(puts)
            .as("%s %s: the log's writes = the audit's executed steps", r.kind(), r.taskId())
            .isEqualTo(executed);
        assertThat(puts)
            .as("%s %s: writes expected", r.kind(), r.taskId())
            .isEqualTo(want.writes());
        executedSteps += executed;
      }
      // Nothing else in the log: the test's creates and its foreign changes, and the engine's PUTs
      // counted above.
      long creates =
          log.stream()
              .filter(l -> l.equals("POST /apis/apps/v1/namespaces/shop/deployments"))
              .count();
      long foreign = log.stream().filter(l -> l.startsWith("PATCH ")).count();
      assertThat(creates).isEqualTo(TASKS);
      assertThat(foreign).isEqualTo((long) byKind.getOrDefault(Kind.TARGET_CHANGED, 0));
      assertThat(log.size() - creates - foreign)
          .as("engine writes in the log")
          .isEqualTo(executedSteps);

      String figures =
          String.format(
              "load invariant: %d tasks (%s), %d threads, seed %d: %d accepted approvals, %d engine"
                  + " mutations = %d executed steps, %d refusals, every audit verified; %d s for the tasks (%.1f tasks/s)",
              TASKS,
              byKind,
              THREADS,
              SEED,
              accepted,
              log.size() - creates - foreign,
              executedSteps,
              refusals,
              took.toSeconds(),
              TASKS / Math.max(0.001, took.toMillis() / 1000.0));
      System.out.println("\n==== " + figures + "\n");
      Files.writeString(Path.of("target/load-invariant-figures.txt"), figures + "\n");
    }
  }

  private Ran run(Topology t, int i, Kind kind) {
    String requester = kind == Kind.SELF_APPROVAL ? Topology.ALICE : Topology.AGENT;
    String task = "load-" + i + "-" + Long.toString(SEED, 36);
    Map<String, Object> start =
        new TreeMap<>(Map.of("taskId", task, "environment", "staging", "goal", kind.name()));
    if (kind == Kind.EXPIRE) {
      start.put("approvalTimeoutSeconds", 10);
    }
    t.ok(requester, "POST", "/api/tasks", start);
    Map<String, Object> call =
        kind == Kind.ROLLBACK
            ? Map.of(
                "tool",
                "k8s.set-image",
                "args",
                Map.of(
                    "kind",
                    "Deployment",
                    "namespace",
                    "shop",
                    "name",
                    name(i),
                    "image",
                    "shop/" + name(i) + ":crashloop"))
            : Map.of(
                "tool",
                "k8s.scale",
                "args",
                Map.of("kind", "Deployment", "namespace", "shop", "name", name(i), "replicas", 2));
    JsonNode step = t.ok(requester, "POST", "/api/tasks/" + task + "/steps", call);
    assertThat(step.path("state").asText()).as("%s", step).isEqualTo("AWAITING_APPROVAL");
    String s1 = step.path("stepId").asText();
    String hash = step.path("callHash").asText();
    switch (kind) {
      case APPROVE, ROLLBACK -> approve(t, Topology.BOB, task, s1, hash, 200);
      case REJECT ->
          t.ok(
              Topology.BOB,
              "POST",
              "/api/tasks/" + task + "/steps/" + s1 + "/reject",
              Map.of("callHash", hash, "reason", "load: rejected"));
      case EXPIRE -> {}
      case BAD_PROOF -> {
        // A raw signal, as an agent holding a Temporal client can send: bob's name, the right hash,
        // a forged proof.
        t.temporalClient()
            .newUntypedWorkflowStub(task)
            .signal(
                "approve",
                Map.of(
                    "stepId",
                    s1,
                    "callHash",
                    hash,
                    "approver",
                    "bob",
                    "proof",
                    Map.of(
                        "kind",
                        "jws",
                        "token",
                        "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJib2IifQ.Zm9yZ2Vk")));
        await("the forged approval refused")
            .atMost(Duration.ofMinutes(2))
            .until(() -> step(t, task, s1), s -> s.path("refusals").size() == 1);
        t.ok(
            Topology.BOB,
            "POST",
            "/api/tasks/" + task + "/steps/" + s1 + "/reject",
            Map.of("callHash", hash, "reason", "forged"));
      }
      case SELF_APPROVAL -> {
        approve(t, Topology.ALICE, task, s1, hash, 409);
        approve(t, Topology.BOB, task, s1, hash, 200);
      }
      case TARGET_CHANGED -> {
        t.simCall("PATCH", path(name(i)), "{\"spec\":{\"replicas\":4}}");
        approve(t, Topology.BOB, task, s1, hash, 200);
      }
    }
    await(task + " " + s1 + " final")
        .atMost(Duration.ofMinutes(2))
        .until(() -> step(t, task, s1), s -> isFinal(s.path("state").asText()));
    if (kind == Kind.ROLLBACK) {
      JsonNode rollback =
          await(task + " rollback proposed")
              .atMost(Duration.ofMinutes(2))
              .until(
                  () -> t.ok(Topology.BOB, "GET", "/api/tasks/" + task, null),
                  v ->
                      v.path("steps").size() == 2
                          && v.path("steps")
                              .get(1)
                              .path("state")
                              .asText()
                              .equals("AWAITING_APPROVAL"))
              .path("steps")
              .get(1);
      approve(
          t,
          Topology.BOB,
          task,
          rollback.path("stepId").asText(),
          rollback.path("callHash").asText(),
          200);
      await(task + " rollback final")
          .atMost(Duration.ofMinutes(2))
          .until(
              () -> step(t, task, rollback.path("stepId").asText()),
              s -> isFinal(s.path("state").asText()));
    }
    t.ok(requester, "POST", "/api/tasks/" + task + "/finish", null);
    await(task + " ended")
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> t.ok(Topology.BOB, "GET", "/api/tasks/" + task, null).path("state").asText(),
            s -> s.equals("COMPLETED") || s.equals("HALTED") || s.equals("FAILED"));
    return new Ran(i, kind, task);
  }

  private static void approve(
      Topology t, String token, String task, String step, String hash, int expect) {
    HttpResponse<String> r =
        t.call(
            token,
            "POST",
            "/api/tasks/" + task + "/steps/" + step + "/approve",
            Map.of("callHash", hash));
    assertThat(r.statusCode())
        .as("approve %s/%s by %s: %s", task, step, token, r.body())
        .isEqualTo(expect);
  }

  private static JsonNode step(Topology t, String task, String stepId) {
    for (JsonNode s : t.ok(Topology.BOB, "GET", "/api/tasks/" + task, null).path("steps")) {
      if (s.path("stepId").asText().equals(stepId)) {
        return s;
      }
    }
    throw new AssertionError("no step " + stepId + " in " + task);
  }

  private static boolean isFinal(String state) {
    return List.of(
            "VERIFIED",
            "VERIFICATION_FAILED",
            "FAILED",
            "BLOCKED",
            "REJECTED",
            "EXPIRED",
            "SKIPPED")
        .contains(state);
  }

  private static String name(int i) {
    return "load-" + i;
  }

  private static String path(String deployment) {
    return "/apis/apps/v1/namespaces/shop/deployments/" + deployment;
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
