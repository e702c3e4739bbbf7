package io.interlock.worker.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.contract.values.PendingApproval;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.contract.values.PolicyStage;
import io.interlock.contract.values.TargetRef;
import io.interlock.worker.api.ApiModels.PendingView;
import io.interlock.worker.api.PendingListJson;
import io.interlock.worker.inbox.ApprovalNotifier;
import io.interlock.worker.inbox.InboxActivitiesImpl;
import io.interlock.worker.inbox.PendingIndex;
import io.interlock.worker.tasks.TaskIndex;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GET /api/approvals with 10,000 pending approvals vs 100, measured in the same run: the inbox
 * activity fills the index exactly as workflows do, then the endpoint's work (list, per-user
 * canApprove, JSON) is timed, both as the endpoint does it (each entry rendered once, then copied)
 * and, as the baseline, serializing every view on every call. Not part of the default test run (no
 * *Test suffix): {@code ./mvnw -B -q -pl worker -am test -Dtest=PendingListBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
class PendingListBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WARMUP = 50;
  private static final int RUNS = 100;

  @Test
  void pendingListAt100And10000() throws Exception {
    PendingListJson rendered = new PendingListJson(JSON);
    Lister endpoint =
        index -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          rendered.of(index.entries(10_000, p -> true), "alice").write(out);
          return out.size();
        };
    Lister serialized =
        index ->
            JSON.writeValueAsBytes(
                    index.list(10_000).stream().map(p -> PendingView.of(p, "alice")).toList())
                .length;
    Result small = measure(100, endpoint);
    Result large = measure(10_000, endpoint);
    Result largeSerialized = measure(10_000, serialized);
    System.out.printf(
        "%nPENDING LIST BENCHMARK (in-process: index + canApprove + JSON, %d runs after %d warm-up)%n",
        RUNS, WARMUP);
    System.out.println(small);
    System.out.println(large);
    System.out.println("baseline, every view serialized on every call:");
    System.out.println(largeSerialized);
    System.out.printf(
        "ratio 10,000/100: median %.1fx, p99 %.1fx (entries x100); rendered once / serialized each call at 10,000: median %.2f%n%n",
        large.medianMs / small.medianMs,
        large.p99Ms / small.p99Ms,
        large.medianMs / largeSerialized.medianMs);
    assertThat(large.entries).isEqualTo(10_000);
    assertThat(small.entries).isEqualTo(100);
    PendingIndex same = new PendingIndex();
    fill(same, 1_000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    rendered.of(same.entries(10_000, p -> true), "alice").write(out);
    assertThat(out.toByteArray())
        .as("the endpoint's bytes are the views serialized")
        .isEqualTo(
            JSON.writeValueAsBytes(
                same.list(10_000).stream().map(p -> PendingView.of(p, "alice")).toList()));
  }

  /** One list call for user alice; returns the response's bytes. */
  private interface Lister {
    long call(PendingIndex index) throws Exception;
  }

  private record Result(
      int entries, double medianMs, double p99Ms, double maxMs, long bytes, double insertMicros) {
    @Override
    public String toString() {
      return String.format(
          "%,6d pending: median %.2f ms, p99 %.2f ms, max %.2f ms, response %,d bytes; inbox insert %.1f us each",
          entries, medianMs, p99Ms, maxMs, bytes, insertMicros);
    }
  }

  /**
   * Fills the index through the inbox activity, as workflows do; returns microseconds per entry.
   */
  private static double fill(PendingIndex index, int n) {
    ApprovalNotifier none =
        new ApprovalNotifier() {
          @Override
          public void awaitingApproval(PendingApproval pending) {}

          @Override
          public void settled(String taskId, String stepId, String state) {}
        };
    InboxActivitiesImpl inbox = new InboxActivitiesImpl(index, new TaskIndex(), none);
    PolicyDecision policy =
        new PolicyDecision(
            true,
            "allow",
            "k8s.scale allowed in staging; needs 1 approval from [sre]",
            1,
            List.of("alice", "bob"),
            "sha256:" + "a".repeat(64),
            PolicyStage.PROPOSE,
            Map.of("tool", "k8s.scale"),
            86400,
            0,
            List.of());
    String diff =
        "--- live/shop/web\n+++ intended/shop/web\n@@ -9,7 +9,7 @@\n   namespace: shop\n spec:\n"
            + "   progressDeadlineSeconds: 600\n-  replicas: 2\n+  replicas: 4\n   revisionHistoryLimit: 10\n";
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    long insertStart = System.nanoTime();
    for (int i = 0; i < n; i++) {
      inbox.awaitingApproval(
          new PendingApproval(
              "task-" + i,
              "s1",
              "staging",
              "agent:incident-bot",
              "goal " + i,
              "k8s.scale",
              new TargetRef("apps/v1", "Deployment", "shop", "web-" + i, "uid-" + i, "74", true),
              "scale Deployment shop/web-" + i + " replicas 2 -> 4",
              diff,
              "sha256:" + Integer.toHexString(i),
              policy,
              t0.plusMillis(i).toString(),
              t0.plusSeconds(3600).toString()));
    }
    return (System.nanoTime() - insertStart) / 1000.0 / n;
  }

  private static Result measure(int n, Lister lister) throws Exception {
    PendingIndex index = new PendingIndex();
    double insertMicros = fill(index, n);
    long bytes = 0;
    for (int i = 0; i < WARMUP; i++) {
      bytes = lister.call(index);
    }
    double[] ms = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long s = System.nanoTime();
      bytes = lister.call(index);
      ms[i] = (System.nanoTime() - s) / 1e6;
    }
    Arrays.sort(ms);
    return new Result(
        n, ms[RUNS / 2], ms[(int) Math.ceil(RUNS * 0.99) - 1], ms[RUNS - 1], bytes, insertMicros);
  }
}
