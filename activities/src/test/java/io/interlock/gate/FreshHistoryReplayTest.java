package io.interlock.gate;

import static io.interlock.gate.GateHarness.approve;
import static io.interlock.gate.GateHarness.awaitClosed;
import static io.interlock.gate.GateHarness.awaitStep;
import static io.interlock.gate.GateHarness.get;
import static io.interlock.gate.GateHarness.scale;
import static io.interlock.gate.GateHarness.setImage;

import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
import io.interlock.workflows.TaskSearchAttributes;
import io.interlock.workflows.gate.AgentTaskImpl;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Fresh histories of approved, rejected and rolled-back tasks (the real activities against the
 * simulated cluster) replay against the current workflow code; with
 * -Dinterlock.histories.write=true they become the committed fixtures the workflows module replays
 * (workflows/src/test/resources/histories/gate, and gate-continued for the run of a task that
 * continued as new: review and commit them).
 */
class FreshHistoryReplayTest {
  private static final Path FIXTURES = Path.of("../workflows/src/test/resources/histories/gate");
  private static final Path CONTINUED = FIXTURES.resolveSibling("gate-continued");

  @Test
  @DisplayName(
      "fresh histories of approved, rejected and rolled-back tasks replay; optionally saved as fixtures")
  void freshHistoriesReplay() throws Exception {
    try (GateHarness h = new GateHarness()) {
      // Started as the REST API starts a task: indexed, with its open update.
      String approvedId = "task-" + java.util.UUID.randomUUID();
      AgentTask approved =
          h.unstarted(approvedId, TaskSearchAttributes.atStart("staging", "agent:bot"));
      GateHarness.open(
          approved,
          h.proven(
              approvedId,
              new TaskRequest("agent:bot", "staging", "gate test", List.of(get("web")))));
      StepView s = approved.propose(scale("web", 4));
      approve(approved, s, "alice");
      awaitStep(approved, s.stepId(), v -> v.state().isFinal());
      approved.finish();
      awaitClosed(approved);

      AgentTask rejected = h.start("agent:bot", "staging", scale("api", 9), get("api"));
      StepView r = awaitStep(rejected, "s1", v -> v.callHash() != null);
      approve(rejected, r, "agent:bot");
      rejected.reject(TestIdentities.rejection(rejected, r, "bob", "too many"));
      awaitStep(rejected, "s2", v -> v.state().isFinal());
      rejected.finish();
      awaitClosed(rejected);

      AgentTask rolledBack = h.start("agent:bot", "staging");
      StepView w = rolledBack.propose(setImage("web", "nginx:crashloop"));
      approve(rolledBack, w, "alice");
      StepView rb = awaitStep(rolledBack, "s2", v -> v.callHash() != null);
      approve(rolledBack, rb, "bob");
      awaitStep(rolledBack, "s2", v -> v.state().isFinal());
      rolledBack.finish();
      awaitClosed(rolledBack);

      // A task that continues as new: its next run starts carrying the index the last one had.
      String continuedId = "task-" + java.util.UUID.randomUUID();
      AgentTask continued = h.unstarted(continuedId);
      GateHarness.open(
          continued,
          h.proven(
              continuedId,
              new TaskRequest(
                  "agent:bot", "staging", "gate test", null, null, null, null, 100, null)));
      h.readUntilContinued(continued, continuedId);
      continued.finish();
      awaitClosed(continued);

      for (var entry :
          java.util.Map.of(
                  "approved-scale",
                  approved,
                  "rejected-plan",
                  rejected,
                  "rollback",
                  rolledBack,
                  "continued",
                  continued)
              .entrySet()) {
        String id = WorkflowStub.fromTyped(entry.getValue()).getExecution().getWorkflowId();
        WorkflowExecutionHistory history = h.client.fetchHistory(id);
        WorkflowReplayer.replayWorkflowExecution(history, AgentTaskImpl.class);
        // As exported by `temporal workflow show --output json`: no workflow id in the file.
        WorkflowReplayer.replayWorkflowExecution(
            WorkflowExecutionHistory.fromJson(history.toJson(true)), AgentTaskImpl.class);
        if (Boolean.getBoolean("interlock.histories.write")) {
          // A continued run alone is not a task's whole record: kept apart from the audit fixtures.
          Path dir = entry.getValue() == continued ? CONTINUED : FIXTURES;
          write(dir.resolve(entry.getKey() + ".json"), history.toJson(true));
        }
      }
    }
  }

  private static void write(Path file, String json) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, json);
  }
}
