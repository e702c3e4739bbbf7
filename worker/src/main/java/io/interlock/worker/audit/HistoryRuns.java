package io.interlock.worker.audit;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fetches every run of a workflow id (following continue-as-new back to the first), or reads files.
 */
public final class HistoryRuns {
  /** Guards against a cycle in a corrupt chain. */
  private static final int MAX_RUNS = 10_000;

  private HistoryRuns() {}

  /** Every run of {@code workflowId}, oldest first. */
  public static List<WorkflowExecutionHistory> fetch(WorkflowClient client, String workflowId) {
    List<WorkflowExecutionHistory> runs = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    // The latest run by its id: a history fetched without a run id is not the latest on every
    // server.
    String runId =
        client
            .newUntypedWorkflowStub(workflowId)
            .describe()
            .getWorkflowExecutionInfo()
            .getExecution()
            .getRunId();
    // Track run ids as asked for: a fetched history does not always carry its own run id.
    while (runId != null && runs.size() < MAX_RUNS && seen.add(runId)) {
      WorkflowExecutionHistory h = client.fetchHistory(workflowId, runId);
      runs.add(h);
      runId = previousRunId(h);
    }
    Collections.reverse(runs);
    return runs;
  }

  /**
   * Histories saved with {@code temporal workflow show --output json} (one file per run, or our
   * export), put in continue-as-new order: a shell glob lists run files in any order.
   */
  public static List<WorkflowExecutionHistory> read(List<Path> files) throws IOException {
    List<WorkflowExecutionHistory> runs = new ArrayList<>();
    for (Path f : files) {
      runs.add(WorkflowExecutionHistory.fromJson(Files.readString(f)));
    }
    return chainOrder(runs);
  }

  /**
   * Oldest first by each run's own id and the run it continued; runs outside one chain keep the
   * order given after it, so a missing run still shows as a gap in the audit, never hidden.
   */
  static List<WorkflowExecutionHistory> chainOrder(List<WorkflowExecutionHistory> given) {
    java.util.Map<String, WorkflowExecutionHistory> byPrevious = new java.util.LinkedHashMap<>();
    Set<String> ids = new HashSet<>();
    for (WorkflowExecutionHistory h : given) {
      String own = ownRunId(h);
      if (own == null || !ids.add(own)) {
        return given;
      }
      byPrevious.putIfAbsent(previousRunId(h) == null ? "" : previousRunId(h), h);
    }
    List<WorkflowExecutionHistory> ordered = new ArrayList<>();
    WorkflowExecutionHistory first =
        given.stream()
            .filter(h -> previousRunId(h) == null)
            .findFirst()
            .orElse(
                given.stream()
                    .filter(h -> !ids.contains(previousRunId(h)))
                    .findFirst()
                    .orElse(null));
    for (WorkflowExecutionHistory h = first;
        h != null && !ordered.contains(h);
        h = byPrevious.get(ownRunId(h))) {
      ordered.add(h);
    }
    for (WorkflowExecutionHistory h : given) {
      if (!ordered.contains(h)) {
        ordered.add(h);
      }
    }
    return ordered;
  }

  private static String ownRunId(WorkflowExecutionHistory h) {
    if (h.getEvents().isEmpty()
        || h.getEvents().get(0).getEventType() != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) {
      return null;
    }
    String own =
        h.getEvents()
            .get(0)
            .getWorkflowExecutionStartedEventAttributes()
            .getOriginalExecutionRunId();
    return own.isEmpty() ? null : own;
  }

  private static String previousRunId(WorkflowExecutionHistory h) {
    if (h.getEvents().isEmpty()) {
      return null;
    }
    HistoryEvent first = h.getEvents().get(0);
    if (first.getEventType() != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) {
      return null;
    }
    String prev = first.getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
    return prev.isEmpty() ? null : prev;
  }
}
