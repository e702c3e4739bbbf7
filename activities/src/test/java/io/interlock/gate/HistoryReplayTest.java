package io.interlock.gate;

import static io.interlock.gate.GateHarness.approve;
import static io.interlock.gate.GateHarness.awaitStep;
import static io.interlock.gate.GateHarness.get;
import static io.interlock.gate.GateHarness.scale;
import static io.interlock.gate.GateHarness.setImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.contract.values.AuditKind;
import io.interlock.contract.views.AuditEntry;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
import io.interlock.workflows.AgentTaskOptions;
import io.interlock.workflows.AuditMarker;
import io.interlock.workflows.gate.AgentTaskImpl;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DataConverter;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Determinism: committed histories of real tasks replay against the current workflow code, so a
 * non-deterministic change fails CI. Regenerate with -Dinterlock.histories.write=true (then review
 * and commit src/test/resources/histories).
 */
class HistoryReplayTest {
  private static final Path FIXTURES = Path.of("src/test/resources/histories");
  private static final Path WORKER_FIXTURES = Path.of("../worker/src/test/resources/histories");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @DisplayName("every committed history replays against the current AgentTask code")
  void committedHistoriesReplay() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(FIXTURES)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).as("fixture histories in %s", FIXTURES).hasSizeGreaterThanOrEqualTo(3);
    List<String> failures = new java.util.ArrayList<>();
    for (Path file : files) {
      WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(Files.readString(file));
      try {
        WorkflowReplayer.replayWorkflowExecution(history, AgentTaskImpl.class);
      } catch (Exception e) {
        failures.add(file.getFileName() + ": " + e.getMessage().lines().limit(8).toList());
      }
    }
    assertThat(failures).as("histories that no longer replay").isEmpty();
  }

  @Test
  @DisplayName(
      "every audit marker of the committed histories reads as a typed AuditEntry and writes back the same")
  void auditMarkersKeepTheirWireForm() throws Exception {
    DataConverter converter = AgentTaskOptions.dataConverter();
    List<Path> files = new java.util.ArrayList<>();
    for (Path dir : List.of(FIXTURES, WORKER_FIXTURES)) {
      try (Stream<Path> s = Files.list(dir)) {
        files.addAll(s.filter(p -> p.toString().endsWith(".json")).sorted().toList());
      }
    }
    int entries = 0;
    Set<AuditKind> seen = EnumSet.noneOf(AuditKind.class);
    for (Path file : files) {
      for (HistoryEvent e : WorkflowExecutionHistory.fromJson(Files.readString(file)).getEvents()) {
        Payloads data =
            e.hasMarkerRecordedEventAttributes()
                ? AuditMarker.payloads(e.getMarkerRecordedEventAttributes())
                : null;
        if (data == null
            || !AuditMarker.isEntry(JSON.readTree(data.getPayloads(0).getData().toByteArray()))) {
          continue;
        }
        Payload recorded = data.getPayloads(0);
        AuditEntry typed = converter.fromPayload(recorded, AuditEntry.class, AuditEntry.class);
        assertThat(converter.toPayload(typed).orElseThrow().getData())
            .as("%s event %d re-encoded", file.getFileName(), e.getEventId())
            .isEqualTo(recorded.getData());
        seen.add(typed.kind());
        entries++;
      }
    }
    assertThat(entries).as("audit markers in %s", files).isGreaterThan(100);
    assertThat(seen)
        .contains(
            AuditKind.TASK_STARTED,
            AuditKind.APPROVAL,
            AuditKind.APPROVED,
            AuditKind.REJECTED,
            AuditKind.REFUSED,
            AuditKind.VERIFICATION_FAILED,
            AuditKind.ROLLBACK_PROPOSED,
            AuditKind.COMPLETED);
  }

  @Test
  @DisplayName(
      "fresh histories of approved, rejected and rolled-back tasks replay; optionally saved as fixtures")
  void freshHistoriesReplay() throws Exception {
    try (GateHarness h = new GateHarness()) {
      AgentTask approved = h.start("agent:bot", "staging", get("web"));
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

      for (var entry :
          java.util.Map.of(
                  "approved-scale", approved, "rejected-plan", rejected, "rollback", rolledBack)
              .entrySet()) {
        String id = WorkflowStub.fromTyped(entry.getValue()).getExecution().getWorkflowId();
        WorkflowExecutionHistory history = h.client.fetchHistory(id);
        WorkflowReplayer.replayWorkflowExecution(history, AgentTaskImpl.class);
        // As exported by `temporal workflow show --output json`: no workflow id in the file.
        WorkflowReplayer.replayWorkflowExecution(
            WorkflowExecutionHistory.fromJson(history.toJson(true)), AgentTaskImpl.class);
        if (Boolean.getBoolean("interlock.histories.write")) {
          write(FIXTURES.resolve(entry.getKey() + ".json"), history.toJson(true));
        }
      }
    }
  }

  /**
   * Waits for the task to close without getResult: a blocking getResult lets the test server skip
   * time to the next timer of any workflow, and a jump of years expires the next task's proofs.
   */
  private static void awaitClosed(AgentTask task) {
    WorkflowStub stub = WorkflowStub.fromTyped(task);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                org.assertj.core.api.Assertions.assertThat(stub.describe().getStatus())
                    .isNotEqualTo(
                        io.temporal.api.enums.v1.WorkflowExecutionStatus
                            .WORKFLOW_EXECUTION_STATUS_RUNNING));
  }

  private static void write(Path file, String json) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, json);
  }
}
