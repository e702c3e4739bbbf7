package io.interlock.gate;

import static io.interlock.gate.GateHarness.awaitStep;
import static io.interlock.gate.GateHarness.scale;
import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.contract.commands.Approval;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
    ExecutorService pool = Executors.newFixedThreadPool(16);
    int burst = Integer.getInteger("interlock.burst", 10_000);
    for (int i = 0; i < burst; i++) {
      int n = i;
      pool.submit(
          () -> task.approve(new Approval(s.stepId(), "sha256:wrong" + n, "mallory", null)));
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
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
}
