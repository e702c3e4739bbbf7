package io.interlock.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.contract.values.AuditKind;
import io.interlock.contract.views.AuditEntry;
import io.interlock.workflows.gate.AgentTaskImpl;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DataConverter;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Determinism: the committed histories of real tasks replay against the current workflow code, so a
 * non-deterministic change fails the build of this module. They are written elsewhere, where their
 * activities run: {@code gate/} by activities' FreshHistoryReplayTest
 * (-Dinterlock.histories.write=true), {@code dev-server/} by the worker's DevStackTest
 * (-Dhistories.write=true). {@code gate-v2/} holds the same three tasks written by the code of
 * version 2 of local-observations (b9a88eb: inbox notices on the queue), as runs still open then
 * replay.
 */
class HistoryReplayTest {
  private static final Path HISTORIES = Path.of("src/test/resources/histories");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<Path> histories() throws Exception {
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("gate", "gate-v2", "dev-server")) {
      try (Stream<Path> s = Files.list(HISTORIES.resolve(dir))) {
        files.addAll(s.filter(p -> p.toString().endsWith(".json")).sorted().toList());
      }
    }
    assertThat(files).as("fixture histories in %s", HISTORIES).hasSizeGreaterThanOrEqualTo(9);
    return files;
  }

  @Test
  @DisplayName("every committed history replays against the current AgentTask code")
  void committedHistoriesReplay() throws Exception {
    List<String> failures = new ArrayList<>();
    for (Path file : histories()) {
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
    List<Path> files = histories();
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
}
