package io.interlock.gate;

import static io.interlock.gate.GateHarness.awaitStep;
import static io.interlock.gate.GateHarness.scale;
import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.contract.commands.Approval;
import io.interlock.contract.commands.BatchDecision;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
import io.interlock.workflows.proof.BatchStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A burst of signals from any client never wedges a task: it answers, and a proven approval still
 * runs.
 */
class GateBurstTest {
  /** A fresh engine per test, closed after it (JUnit creates one instance per test method). */
  @AutoClose private final GateHarness h = new GateHarness();

  @Test
  @DisplayName(
      "given 10,000 wrong-hash approve signals in a burst, the task still answers status and executes a proven approval once")
  void burstOfSignals() throws Exception {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s = task.propose(scale("web", 4));
    int burst =
        burst(
            120, n -> task.approve(new Approval(s.stepId(), "sha256:wrong" + n, "mallory", null)));
    StepView after =
        awaitStep(task, s.stepId(), v -> v.refusals().size() + v.refusalsDropped() == burst);
    assertThat(after.state()).isEqualTo(StepState.AWAITING_APPROVAL);
    long t0 = System.nanoTime();
    task.status();
    long statusMillis = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("burst " + burst + ": status answered in " + statusMillis + " ms");
    task.approve(TestIdentities.approval(task, s, "alice", "ok", null));
    assertThat(awaitStep(task, s.stepId(), v -> v.state().isFinal()).state())
        .isEqualTo(StepState.VERIFIED);
    h.assertMutations(1);
  }

  @Test
  @DisplayName(
      "given 10,000 hostile batch signals in a burst (unsigned, a wrong hash under a valid proof, 100 entries for other tasks), the task still answers and executes a proven approval once")
  void burstOfBatchSignals() throws Exception {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s = task.propose(scale("web", 4));
    String runId = task.status().taskRunId();
    Instant now = TestIdentities.now();
    List<BatchStatement.Entry> others = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      others.add(new BatchStatement.Entry("run-of-another-task-" + i, "s1", s.callHash()));
    }
    BatchDecision[] kinds = {
      // Unsigned, naming this very step and hash: refused, the policy requires a proof.
      new BatchDecision(
          statement(
              "mallory", now, List.of(new BatchStatement.Entry(runId, s.stepId(), s.callHash()))),
          null),
      // A real approver's valid proof, for a call that is not this one.
      signed(
          statement(
              "alice", now, List.of(new BatchStatement.Entry(runId, s.stepId(), "sha256:wrong")))),
      signed(statement("alice", now, others))
    };
    burst(180, n -> task.batch(kinds[n % kinds.length]));
    assertThat(task.status().steps().get(0).state()).isEqualTo(StepState.AWAITING_APPROVAL);
    h.assertMutations(0);

    // Signals are handled in the order the server took them: this one comes after the burst.
    task.approve(TestIdentities.approval(task, s, "alice", "ok", null));
    StepView done = awaitStep(task, s.stepId(), v -> v.state().isFinal());
    assertThat(done.state()).isEqualTo(StepState.VERIFIED);
    assertThat(done.approvals())
        .singleElement()
        .satisfies(a -> assertThat(a.approver()).isEqualTo("alice"));
    h.assertMutations(1);
  }

  /**
   * Sends {@code interlock.burst} (10,000) signals from 16 threads, all sent within {@code
   * seconds}; returns how many.
   */
  private static int burst(int seconds, IntConsumer signal) throws InterruptedException {
    int burst = Integer.getInteger("interlock.burst", 10_000);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    for (int i = 0; i < burst; i++) {
      int n = i;
      pool.submit(() -> signal.accept(n));
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(seconds, TimeUnit.SECONDS)).isTrue();
    return burst;
  }

  private static BatchStatement statement(
      String approver, Instant now, List<BatchStatement.Entry> entries) {
    return new BatchStatement(
        approver, "approve", "burst", now.toString(), now.plusSeconds(600).toString(), entries);
  }

  private static BatchDecision signed(BatchStatement st) {
    return new BatchDecision(st, TestIdentities.jws(st.statement()));
  }
}
