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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The load invariant on the production topology ({@link Topology}): N tasks open at once, each
 * write waiting for its decision, then a random mix of outcomes ({@link LoadKind}); afterwards the
 * simulated API server's mutation log and every task's audit must agree exactly: every engine write
 * in the log maps to one approved, executed step and every executed step to one write; every task
 * ends in its legal state; every audit verifies. N is {@code -Dinterlock.load.tasks} (35 in {@code
 * verify}; the README gives a 500-task run).
 */
class LoadInvariantIT {
  private static final int TASKS = Integer.getInteger("interlock.load.tasks", 35);
  private static final int THREADS = Integer.getInteger("interlock.load.threads", 16);
  private static final long SEED = Long.getLong("interlock.load.seed", System.currentTimeMillis());

  /** Seconds from writing the policy to its freeze window opening; 0 = 60 + 1 per freeze task. */
  private static final long FREEZE_LEAD = Long.getLong("interlock.load.freeze-lead", 0);

  private static final Duration PATIENCE = Duration.ofMinutes(Math.max(10, TASKS / 10));

  /** A task whose write waits for its decision. */
  private record Waiting(int i, LoadKind kind, String taskId, String stepId, String hash) {}

  /** What one task's audit and the log say about it. */
  private record Checked(LoadKind kind, int executed, int accepted, int refusals) {}

  /**
   * Reads the API answered 500 "retry" for (a status query past the Temporal client's 10 s deadline
   * on a loaded machine), each read again: counted in the figures, never a write.
   */
  private static final AtomicInteger RETRIED_READS = new AtomicInteger();

  /** Actions the settling sweeps took, each at most once per task ("task/action"). */
  private final Set<String> done = ConcurrentHashMap.newKeySet();

  @Test
  @DisplayName(
      "N tasks waiting at once, random mix incl. a freeze window opening and a lock set while they wait: every write in the API server's log is one approved step and vice versa, every task legal, every audit verifies")
  void everyMutationIsOneApprovedStep() throws Exception {
    List<LoadKind> kinds = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      kinds.add(LoadKind.values()[i % LoadKind.values().length]);
    }
    Collections.shuffle(kinds, new Random(SEED));
    long freezeTasks = kinds.stream().filter(k -> k == LoadKind.FREEZE_STARTS).count();
    String loadBefore = loadAverage();
    LoadPolicy policy = LoadPolicy.openingIn(FREEZE_LEAD > 0 ? FREEZE_LEAD : 60 + freezeTasks);
    Path policyFile =
        policy.writeTo(Files.createTempFile(Path.of("target").toAbsolutePath(), "load-", ".yaml"));
    Instant booting = Instant.now();
    try (Topology t =
        new Topology(
                "load",
                "200ms",
                "768m",
                policyFile,
                List.of("staging", LoadPolicy.FROZEN, LoadPolicy.LOCKED))
            .start()) {
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        run(t, pool, kinds, policy, policyFile, booting, loadBefore);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private void run(
      Topology t,
      ExecutorService pool,
      List<LoadKind> kinds,
      LoadPolicy policy,
      Path policyFile,
      Instant booting,
      String loadBefore)
      throws Exception {
    Duration boot = Duration.between(booting, Instant.now());
    for (int i = 0; i < TASKS; i++) {
      t.simCall("POST", "/apis/apps/v1/namespaces/shop/deployments", deployment(name(i)));
    }
    Instant began = Instant.now();

    // 1. Every task opens and its write waits; the freeze kind first, before its window opens.
    List<Callable<Waiting>> opening = new ArrayList<>();
    IntStream.range(0, TASKS)
        .boxed()
        .sorted(Comparator.comparing(i -> kinds.get(i) != LoadKind.FREEZE_STARTS))
        .forEach(i -> opening.add(() -> open(t, i, kinds.get(i), policy)));
    List<Waiting> waiting = all(pool, opening);
    Instant opened = Instant.now();

    // 2. With every locked-kind write waiting, the lock is set.
    t.ok(
        Topology.BOB,
        "POST",
        "/api/environments/" + LoadPolicy.LOCKED + "/lock",
        Map.of("reason", "load test: locked while writes wait"));

    // 3. The decisions; the freeze kind's once its window has opened.
    all(pool, decisions(t, waiting, k -> k != LoadKind.FREEZE_STARTS));
    await("the freeze window opens")
        .atMost(Duration.ofMinutes(10))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> Instant.now().isAfter(policy.freezeAt().plusSeconds(1)));
    all(pool, decisions(t, waiting, k -> k == LoadKind.FREEZE_STARTS));
    Instant decided = Instant.now();

    // 4. Rollbacks approved, tasks finished, until every task has ended.
    settle(t, pool, waiting);
    Instant ended = Instant.now();
    Duration took = Duration.between(began, ended);

    // 5. The oracle: the mutation log against every task's audit.
    List<String> log = t.mutations();
    ProofPolicy keys = PolicyFile.load(policyFile).identities().resolve(ProofPolicy.REQUIRED);
    var auditKeys =
        AuditSigner.publicKeys(
            Files.readString(t.keysHome.resolve(AuditSigner.DEFAULT_PUBLIC_KEY_FILE)));
    List<Callable<Checked>> checks = new ArrayList<>();
    waiting.forEach(w -> checks.add(() -> check(t, w, log, auditKeys, keys)));
    List<Checked> checked = all(pool, checks);
    int executedSteps = checked.stream().mapToInt(Checked::executed).sum();
    int accepted = checked.stream().mapToInt(Checked::accepted).sum();
    int refusals = checked.stream().mapToInt(Checked::refusals).sum();
    Map<LoadKind, Integer> byKind = new TreeMap<>();
    checked.forEach(c -> byKind.merge(c.kind(), 1, Integer::sum));
    long blocked = checked.stream().filter(c -> c.kind().rule != null).count();
    // Nothing else in the log: the test's creates and foreign changes, and the engine's PUTs.
    long creates =
        log.stream()
            .filter(l -> l.equals("POST /apis/apps/v1/namespaces/shop/deployments"))
            .count();
    long foreign = log.stream().filter(l -> l.startsWith("PATCH ")).count();
    assertThat(creates).isEqualTo(TASKS);
    assertThat(foreign).isEqualTo((long) byKind.getOrDefault(LoadKind.TARGET_CHANGED, 0));
    assertThat(log.size() - creates - foreign)
        .as("engine writes in the log")
        .isEqualTo(executedSteps);

    String figures =
        String.format(
            "load invariant: %d tasks (%s), %d writes proposed before the first decision, %d threads, seed %d: %d"
                + " accepted approvals, %d engine mutations = %d executed steps, %d refusals,"
                + " %d blocked at the re-check (freeze window opened at %s, lock set), every"
                + " audit verified; %d s for the tasks (open %d s, decide %d s incl. waiting for"
                + " the window, settle %d s; %.2f tasks/s), topology up in %d s; load average"
                + " %s before, %s after; %d reads answered 500 (retry) and were read again",
            TASKS,
            byKind,
            waiting.size(),
            THREADS,
            SEED,
            accepted,
            log.size() - creates - foreign,
            executedSteps,
            refusals,
            blocked,
            policy.freezeAt(),
            took.toSeconds(),
            Duration.between(began, opened).toSeconds(),
            Duration.between(opened, decided).toSeconds(),
            Duration.between(decided, ended).toSeconds(),
            TASKS / Math.max(0.001, took.toMillis() / 1000.0),
            boot.toSeconds(),
            loadBefore,
            loadAverage(),
            RETRIED_READS.get());
    System.out.println("\n==== " + figures + "\n");
    Files.writeString(Path.of("target/load-invariant-figures.txt"), figures + "\n");
  }

  /** Starts the task and proposes its write, which must wait for approval. */
  private Waiting open(Topology t, int i, LoadKind kind, LoadPolicy policy) {
    String task = "load-" + i + "-" + Long.toString(SEED, 36);
    Map<String, Object> start =
        new TreeMap<>(Map.of("taskId", task, "environment", kind.environment, "goal", kind.name()));
    if (kind == LoadKind.EXPIRE) {
      start.put("approvalTimeoutSeconds", 10);
    }
    t.ok(kind.requester(), "POST", "/api/tasks", start);
    Map<String, Object> args =
        new TreeMap<>(Map.of("kind", "Deployment", "namespace", "shop", "name", name(i)));
    String tool = "k8s.scale";
    if (kind == LoadKind.ROLLBACK) {
      tool = "k8s.set-image";
      args.put("image", "shop/" + name(i) + ":crashloop");
    } else {
      args.put("replicas", 2);
    }
    Map<String, Object> call = Map.of("tool", tool, "args", args);
    JsonNode step = t.ok(kind.requester(), "POST", "/api/tasks/" + task + "/steps", call);
    assertThat(step.path("state").asText())
        .as(
            "%s %s waits (the freeze window opens at %s; a freeze-kind write proposed after it is"
                + " blocked at once: raise -Dinterlock.load.freeze-lead): %s",
            kind, task, policy.freezeAt(), step)
        .isEqualTo("AWAITING_APPROVAL");
    return new Waiting(i, kind, task, step.path("stepId").asText(), step.path("callHash").asText());
  }

  private List<Callable<Void>> decisions(
      Topology t, List<Waiting> waiting, Predicate<LoadKind> which) {
    List<Callable<Void>> out = new ArrayList<>();
    for (Waiting w : waiting) {
      if (which.test(w.kind())) {
        out.add(
            () -> {
              decide(t, w);
              return null;
            });
      }
    }
    return out;
  }

  private void decide(Topology t, Waiting w) {
    switch (w.kind()) {
      case APPROVE, ROLLBACK, FREEZE_STARTS, LOCK_SET -> approve(t, Topology.BOB, w, 200);
      case REJECT -> reject(t, w, "load: rejected");
      case EXPIRE -> {}
      case BAD_PROOF ->
          // A raw signal, as an agent holding a Temporal client can send: bob's name, the right
          // hash, a forged proof. The settling sweep rejects once the refusal shows.
          t.temporalClient()
              .newUntypedWorkflowStub(w.taskId())
              .signal(
                  "approve",
                  Map.of(
                      "stepId",
                      w.stepId(),
                      "callHash",
                      w.hash(),
                      "approver",
                      "bob",
                      "proof",
                      Map.of(
                          "kind",
                          "jws",
                          "token",
                          "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJib2IifQ.Zm9yZ2Vk")));
      case SELF_APPROVAL -> {
        approve(t, Topology.ALICE, w, 409);
        approve(t, Topology.BOB, w, 200);
      }
      case TARGET_CHANGED -> {
        t.simCall("PATCH", path(name(w.i())), "{\"spec\":{\"replicas\":4}}");
        approve(t, Topology.BOB, w, 200);
      }
    }
  }

  /**
   * Sweeps the live tasks (one read each, in parallel, a pause between sweeps) and moves each on:
   * approves a proposed rollback, rejects a forged approval once refused, finishes a task whose
   * steps are final, and drops it once it has ended.
   */
  private void settle(Topology t, ExecutorService pool, List<Waiting> waiting) throws Exception {
    Set<Waiting> live = ConcurrentHashMap.newKeySet();
    live.addAll(waiting);
    Instant give = Instant.now().plus(PATIENCE);
    while (!live.isEmpty()) {
      List<Callable<Void>> sweep = new ArrayList<>();
      live.forEach(
          w ->
              sweep.add(
                  () -> {
                    if (advance(t, w)) {
                      live.remove(w);
                    }
                    return null;
                  }));
      all(pool, sweep);
      if (!live.isEmpty()) {
        assertThat(Instant.now())
            .as("tasks still live after %s: %s", PATIENCE, live)
            .isBefore(give);
        pause(Duration.ofSeconds(1)); // one sweep a second
      }
    }
  }

  /** One look at a task and the one action it needs, if any; true once it has ended. */
  private boolean advance(Topology t, Waiting w) {
    JsonNode task = read(t, "/api/tasks/" + w.taskId());
    String state = task.path("state").asText();
    if (done.contains(w.taskId() + "/finish")) {
      return state.equals("COMPLETED") || state.equals("HALTED") || state.equals("FAILED");
    }
    JsonNode steps = task.path("steps");
    JsonNode first = steps.get(0);
    if (w.kind() == LoadKind.BAD_PROOF
        && first.path("state").asText().equals("AWAITING_APPROVAL")
        && first.path("refusals").size() == 1
        && done.add(w.taskId() + "/reject")) {
      reject(t, w, "forged");
    }
    if (w.kind() == LoadKind.ROLLBACK
        && steps.size() == 2
        && steps.get(1).path("state").asText().equals("AWAITING_APPROVAL")
        && done.add(w.taskId() + "/rollback")) {
      JsonNode rollback = steps.get(1);
      approve(
          t,
          Topology.BOB,
          new Waiting(
              w.i(),
              w.kind(),
              w.taskId(),
              rollback.path("stepId").asText(),
              rollback.path("callHash").asText()),
          200);
    }
    boolean allFinal = steps.size() == w.kind().steps.size();
    for (JsonNode s : steps) {
      allFinal &= isFinal(s.path("state").asText());
    }
    if (allFinal && done.add(w.taskId() + "/finish")) {
      t.ok(w.kind().requester(), "POST", "/api/tasks/" + w.taskId() + "/finish", null);
    }
    return false;
  }

  /** The task against its kind's expectations, its audit, and its target's writes in the log. */
  private static Checked check(
      Topology t, Waiting w, List<String> log, List<PublicJsonWebKey> auditKeys, ProofPolicy keys) {
    LoadKind kind = w.kind();
    JsonNode task = read(t, "/api/tasks/" + w.taskId());
    assertThat(task.path("state").asText())
        .as("%s %s: %s", kind, w.taskId(), task)
        .isEqualTo(kind.task);
    assertThat(task.path("steps").findValuesAsText("state"))
        .as("%s %s", kind, w.taskId())
        .containsExactlyElementsOf(kind.steps);
    if (kind.rule != null) {
      // Approved while allowed at proposal; the re-check right before the write stopped it.
      JsonNode step = task.path("steps").get(0);
      assertThat(step.path("recheck").path("ruleId").asText())
          .as("%s %s: the re-check's rule: %s", kind, w.taskId(), step.path("recheck"))
          .isEqualTo(kind.rule);
      assertThat(step.path("policy").path("allowed").asBoolean())
          .as("%s %s allowed when proposed", kind, w.taskId())
          .isTrue();
    }
    JsonNode report = read(t, "/api/tasks/" + w.taskId() + "/audit?format=json");
    AuditVerification.Findings findings = AuditVerification.check(report, auditKeys, keys, false);
    assertThat(findings.ok())
        .as(
            "audit of %s verifies: %s %s",
            w.taskId(), findings.signature().line(), findings.chain())
        .isTrue();
    int executed = 0;
    int accepted = 0;
    int refusals = 0;
    for (JsonNode e : report.path("entries")) {
      if (!e.path("kind").asText().equals("STEP")) {
        continue;
      }
      JsonNode step = e.path("detail");
      boolean ran =
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
      if (ran) {
        executed++;
        // The write ran only on a proven approval by someone other than the requester.
        assertThat(ok)
            .as("approval of executed step %s/%s", w.taskId(), step.path("stepId").asText())
            .hasSize(1);
        assertThat(ok.get(0).path("proof").path("verified").asBoolean()).isTrue();
        assertThat(ok.get(0).path("approver").asText())
            .isNotEqualTo(task.path("requester").asText())
            .isEqualTo("bob");
      }
    }
    String target = path(name(w.i()));
    long puts = log.stream().filter(l -> l.equals("PUT " + target)).count();
    assertThat(puts)
        .as("%s %s: the log's writes = the audit's executed steps", kind, w.taskId())
        .isEqualTo(executed);
    assertThat(puts).as("%s %s: writes expected", kind, w.taskId()).isEqualTo(kind.writes);
    return new Checked(kind, executed, accepted, refusals);
  }

  /** A GET as bob; a 500 that says nothing changed and to retry is read again, up to 5 times. */
  private static JsonNode read(Topology t, String path) {
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> r = t.call(Topology.BOB, "GET", path, null);
      if (r.statusCode() == 500 && r.body().contains("retry") && attempt < 5) {
        RETRIED_READS.incrementAndGet();
        pause(Duration.ofSeconds(2));
        continue;
      }
      assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
      return Topology.tree(r.body());
    }
  }

  /** Runs every job on the pool and returns their results; the first failure is rethrown. */
  private static <T> List<T> all(ExecutorService pool, List<Callable<T>> jobs) throws Exception {
    List<T> out = new ArrayList<>();
    for (Future<T> f : pool.invokeAll(jobs)) {
      try {
        out.add(f.get());
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Error err) {
          throw err;
        }
        throw e;
      }
    }
    return out;
  }

  private static void approve(Topology t, String token, Waiting w, int expect) {
    HttpResponse<String> r =
        t.call(
            token,
            "POST",
            "/api/tasks/" + w.taskId() + "/steps/" + w.stepId() + "/approve",
            Map.of("callHash", w.hash()));
    assertThat(r.statusCode())
        .as("approve %s/%s by %s: %s", w.taskId(), w.stepId(), token, r.body())
        .isEqualTo(expect);
  }

  private static void reject(Topology t, Waiting w, String reason) {
    t.ok(
        Topology.BOB,
        "POST",
        "/api/tasks/" + w.taskId() + "/steps/" + w.stepId() + "/reject",
        Map.of("callHash", w.hash(), "reason", reason));
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

  /** The 1-minute load average of this machine, for the figures. */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException e) {
      return "unknown";
    }
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

  /** Paces sweeps and retries (Awaitility, like every wait in the tests). */
  private static void pause(Duration d) {
    await().pollDelay(d).atMost(d.plusSeconds(5)).until(() -> true);
  }
}
