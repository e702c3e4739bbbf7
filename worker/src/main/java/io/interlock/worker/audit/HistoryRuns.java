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

/** Fetches every run of a workflow id (following continue-as-new back to the first), or reads files. */
public final class HistoryRuns {
  /** Guards against a cycle in a corrupt chain. */
  private static final int MAX_RUNS = 10_000;

  private HistoryRuns() {}

  /** Every run of {@code workflowId}, oldest first. */
  public static List<WorkflowExecutionHistory> fetch(WorkflowClient client, String workflowId) {
    List<WorkflowExecutionHistory> runs = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    // The latest run by its id: a history fetched without a run id is not the latest on every server.
    String runId = client.newUntypedWorkflowStub(workflowId).describe().getWorkflowExecutionInfo().getExecution().getRunId();
    // Track run ids as asked for: a fetched history does not always carry its own run id.
    while (runId != null && runs.size() < MAX_RUNS && seen.add(runId)) {
      WorkflowExecutionHistory h = client.fetchHistory(workflowId, runId);
      runs.add(h);
      runId = previousRunId(h);
    }
    Collections.reverse(runs);
    return runs;
  }

  /** Histories saved with {@code temporal workflow show --output json} (or our export), in the order given. */
  public static List<WorkflowExecutionHistory> read(List<Path> files) throws IOException {
    List<WorkflowExecutionHistory> runs = new ArrayList<>();
    for (Path f : files) {
      runs.add(WorkflowExecutionHistory.fromJson(Files.readString(f)));
    }
    return runs;
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
