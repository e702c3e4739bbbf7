package io.interlock.gate;

import static io.interlock.gate.GateHarness.get;
import static io.interlock.gate.GateHarness.scale;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Continue-as-new never waits on a handler that itself waits for the main loop. */
class GateContinueAsNewTest {
  /** A fresh engine per test, closed after it (JUnit creates one instance per test method). */
  @AutoClose private final GateHarness h = new GateHarness();

  @Test
  @DisplayName(
      "given continue-as-new due while write proposals are in their resolve activity, every proposal still answers")
  void continueAsNewWhileProposing() throws Exception {
    AgentTask task =
        h.start(new TaskRequest("agent:bot", "staging", "busy", null, null, null, null, 100, null));
    String firstRun = io.temporal.client.WorkflowStub.fromTyped(task).getExecution().getRunId();
    for (int round = 0; round < 6; round++) {
      List<CompletableFuture<StepView>> calls = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        calls.add(CompletableFuture.supplyAsync(() -> task.propose(get("web"))));
      }
      int replicas = 3 + round;
      calls.add(CompletableFuture.supplyAsync(() -> task.propose(scale("web", replicas))));
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      StepView write = calls.get(calls.size() - 1).get();
      assertThat(write.state()).isIn(StepState.AWAITING_APPROVAL, StepState.PROPOSED);
      h.client
          .newWorkflowStub(
              AgentTask.class,
              io.temporal.client.WorkflowStub.fromTyped(task).getExecution().getWorkflowId())
          .reject(
              TestIdentities.rejection(
                  task,
                  GateHarness.awaitState(task, write.stepId(), StepState.AWAITING_APPROVAL),
                  "bob",
                  "not now"));
      GateHarness.awaitState(task, write.stepId(), StepState.REJECTED);
    }
    String id = io.temporal.client.WorkflowStub.fromTyped(task).getExecution().getWorkflowId();
    assertThat(h.client.newUntypedWorkflowStub(id).describe().getExecution().getRunId())
        .as("the task continued as new while proposals were in flight")
        .isNotEqualTo(firstRun);
    h.assertMutations(0);
  }

  @Test
  @DisplayName(
      "given continue-as-new due on the idle branch while a write is in its resolve activity, the write"
          + " still answers, is approved in the next run and runs exactly once")
  void continueAsNewDueWhileAWriteResolves() throws Exception {
    HeldResolve[] held = new HeldResolve[1];
    try (GateHarness slow =
        new GateHarness(
            (environment, real) ->
                environment.equals("staging")
                    ? (held[0] = new HeldResolve(real, "k8s.scale"))
                    : real)) {
      AgentTask task =
          slow.start(
              new TaskRequest("agent:bot", "staging", "slow", null, null, null, null, 100, null));
      WorkflowStub stub = WorkflowStub.fromTyped(task);
      String id = stub.getExecution().getWorkflowId();
      String firstRun = stub.getExecution().getRunId();
      while (historyLength(slow, id, firstRun) < 70) {
        task.propose(get("web"));
      }
      CompletableFuture<StepView> write =
          CompletableFuture.supplyAsync(() -> task.propose(scale("web", 4)));
      assertThat(held[0].entered.await(20, TimeUnit.SECONDS))
          .as("the write is in its resolve activity")
          .isTrue();
      // Signals grow the history past the limit while the write resolves: continue-as-new falls due
      // idle. A set number: they stay buffered until the held workflow task is heartbeat, so a loop
      // on the history's length sent tens of thousands on a fast machine.
      WorkflowStub raw = slow.client.newUntypedWorkflowStub(id);
      int needed = 111 - historyLength(slow, id, firstRun);
      for (int i = 0; i < needed; i++) {
        raw.signal(
            "approve",
            java.util.Map.of("stepId", "s999", "callHash", "sha256:none", "approver", "mallory"));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> historyLength(slow, id, firstRun) > 110);
      held[0].release.countDown();
      StepView proposed = write.get(30, TimeUnit.SECONDS);
      assertThat(proposed.state())
          .as("the write answered")
          .isIn(StepState.AWAITING_APPROVAL, StepState.PROPOSED);
      StepView waiting =
          GateHarness.awaitState(task, proposed.stepId(), StepState.AWAITING_APPROVAL);
      // A bound on liveness, not a timing: as the waits above, generous for a loaded machine.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          slow.client
                              .newUntypedWorkflowStub(id)
                              .describe()
                              .getExecution()
                              .getRunId())
                      .as("the task continued as new")
                      .isNotEqualTo(firstRun));
      GateHarness.approve(slow.client.newWorkflowStub(AgentTask.class, id), waiting, "bob");
      GateHarness.awaitState(task, proposed.stepId(), StepState.VERIFIED);
      assertThat(slow.replicas("web")).isEqualTo(4);
      slow.assertMutations(1);
    }
  }

  private static int historyLength(GateHarness h, String id, String runId) {
    return h.client.fetchHistory(id, runId).getHistory().getEventsCount();
  }
}
