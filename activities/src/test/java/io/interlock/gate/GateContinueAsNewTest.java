package io.interlock.gate;

import static io.interlock.gate.GateHarness.get;
import static io.interlock.gate.GateHarness.scale;
import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
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
  @DisplayName("given continue-as-new due while write proposals are in their resolve activity, every proposal still answers")
  void continueAsNewWhileProposing() throws Exception {
    AgentTask task = h.start(new TaskRequest("agent:bot", "staging", "busy", null, null, null, null, 100, null));
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
      h.client.newWorkflowStub(AgentTask.class, io.temporal.client.WorkflowStub.fromTyped(task).getExecution().getWorkflowId())
          .reject(TestIdentities.rejection(task, GateHarness.awaitState(task, write.stepId(), StepState.AWAITING_APPROVAL),
              "bob", "not now"));
      GateHarness.awaitState(task, write.stepId(), StepState.REJECTED);
    }
    String id = io.temporal.client.WorkflowStub.fromTyped(task).getExecution().getWorkflowId();
    assertThat(h.client.newUntypedWorkflowStub(id).describe().getExecution().getRunId())
        .as("the task continued as new while proposals were in flight").isNotEqualTo(firstRun);
    h.assertMutations(0);
  }
}
