package io.interlock.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.contract.values.AuditKind;
import io.interlock.contract.views.AuditEntry;
import io.interlock.workflows.gate.AgentTaskImpl;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.EventType;
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
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Determinism: the committed histories of real tasks replay against the current workflow code, so a
 * non-deterministic change fails the build of this module. They are written elsewhere, where their
 * activities run: {@code gate/} and {@code gate-continued/} (one run of a task that continued as
 * new) by activities' FreshHistoryReplayTest (-Dinterlock.histories.write=true), {@code
 * dev-server/} by the worker's DevStackTest (-Dhistories.write=true). {@code gate-v2/}, {@code
 * gate-v3/} and {@code gate-v4/} hold the same tasks written by the code of versions 2 (b9a88eb:
 * inbox notices on the queue), 3 (one audit marker per entry) and 4 (22a2c0c: every run upserts its
 * index first, a continued one too, though it starts carrying it) of the run's version (see
 * RunVersion), as runs still open then replay.
 */
class HistoryReplayTest {
  private static final Path HISTORIES = Path.of("src/test/resources/histories");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<Path> histories() throws Exception {
    List<Path> files =
        jsonIn("gate", "gate-continued", "gate-v0", "gate-v2", "gate-v3", "gate-v4", "dev-server");
    assertThat(files).as("fixture histories in %s", HISTORIES).hasSizeGreaterThanOrEqualTo(20);
    return files;
  }

  /** The histories in these folders of {@link #HISTORIES}, each folder's sorted by name. */
  private static List<Path> jsonIn(String... dirs) throws Exception {
    List<Path> files = new ArrayList<>();
    for (String dir : dirs) {
      try (Stream<Path> s = Files.list(HISTORIES.resolve(dir))) {
        files.addAll(s.filter(p -> p.toString().endsWith(".json")).sorted().toList());
      }
    }
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
      "in every committed history each audit entry is in a marker exactly once, numbered 1, 2, 3... in order (a continued run from where its last run stopped)")
  void everyEntryMarkedOnceInOrder() throws Exception {
    for (Path file : histories()) {
      List<HistoryEvent> events =
          WorkflowExecutionHistory.fromJson(Files.readString(file)).getEvents();
      List<Long> seqs = new ArrayList<>();
      for (HistoryEvent e : events) {
        for (JsonNode entry : entriesOf(e)) {
          seqs.add(entry.get("seq").asLong());
        }
      }
      boolean continued =
          !events
              .get(0)
              .getWorkflowExecutionStartedEventAttributes()
              .getContinuedExecutionRunId()
              .isEmpty();
      long first = continued && !seqs.isEmpty() ? seqs.get(0) : 1;
      assertThat(first).as("%s: the first entry's number", file).isPositive();
      assertThat(seqs)
          .as("%s: the audit entries' numbers, in history order", file)
          .isNotEmpty()
          .isEqualTo(LongStream.range(first, first + seqs.size()).boxed().toList());
    }
  }

  @Test
  @DisplayName(
      "a run of the current version writes one audit marker per workflow task, whatever its local activities, and marks EXECUTING before it schedules the write")
  void oneAuditMarkerPerWorkflowTask() throws Exception {
    for (Path file : jsonIn("gate", "gate-continued")) {
      int markers = 0;
      int entries = 0;
      int inThisTask = 0;
      int executing = 0;
      for (HistoryEvent e : WorkflowExecutionHistory.fromJson(Files.readString(file)).getEvents()) {
        if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
          inThisTask = 0;
        }
        if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            && e.getActivityTaskScheduledEventAttributes()
                .getActivityType()
                .getName()
                .equals("Execute")) {
          assertThat(executing)
              .as(
                  "%s event %d: EXECUTING entries in the history before the write",
                  file, e.getEventId())
              .isPositive();
          executing--;
        }
        List<JsonNode> carried = entriesOf(e);
        executing +=
            (int) carried.stream().filter(n -> n.path("kind").asText().equals("EXECUTING")).count();
        if (!carried.isEmpty()) {
          markers++;
          entries += carried.size();
          inThisTask++;
          assertThat(inThisTask)
              .as("%s event %d: audit markers after one workflow task", file, e.getEventId())
              .isEqualTo(1);
        }
      }
      assertThat(markers).as("%s: markers for %d entries", file, entries).isLessThan(entries);
    }
  }

  /** The audit entries a history event carries (none unless it is an audit marker). */
  private static List<JsonNode> entriesOf(HistoryEvent e) throws Exception {
    Payloads data =
        e.hasMarkerRecordedEventAttributes()
            ? AuditMarker.payloads(e.getMarkerRecordedEventAttributes())
            : null;
    return data == null
        ? List.of()
        : AuditMarker.entries(JSON.readTree(data.getPayloads(0).getData().toByteArray()));
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
        JsonNode value =
            data == null ? null : JSON.readTree(data.getPayloads(0).getData().toByteArray());
        if (AuditMarker.entries(value).isEmpty()) {
          continue;
        }
        Payload recorded = data.getPayloads(0);
        // One entry (runs of older code) or a batch of them (see AuditTrail#flush).
        Class<?> type = value.isArray() ? AuditEntry[].class : AuditEntry.class;
        Object typed = converter.fromPayload(recorded, type, type);
        assertThat(converter.toPayload(typed).orElseThrow().getData())
            .as("%s event %d re-encoded", file.getFileName(), e.getEventId())
            .isEqualTo(recorded.getData());
        List<AuditEntry> read =
            typed instanceof AuditEntry[] batch ? List.of(batch) : List.of((AuditEntry) typed);
        assertThat(read)
            .as("%s event %d: typed entries", file.getFileName(), e.getEventId())
            .hasSameSizeAs(AuditMarker.entries(value));
        read.forEach(a -> seen.add(a.kind()));
        entries += read.size();
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
