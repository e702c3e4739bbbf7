package io.interlock.worker.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import java.io.IOException;

/**
 * Who asked for a task and where, as its workflow received them: the start input of a run (every
 * run of a task starts with the same request). Read from history, so it holds for closed tasks.
 */
public record TaskParties(String requester, String environment) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TaskParties NOBODY = new TaskParties(null, null);

  /**
   * The parties in the run's start event; nobody's when the input is unreadable (a start that
   * failed at once).
   */
  public static TaskParties of(WorkflowExecutionHistory run) {
    if (run.getEvents().isEmpty()) {
      return NOBODY;
    }
    HistoryEvent first = run.getEvents().get(0);
    if (first.getEventType() != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED
        || first.getWorkflowExecutionStartedEventAttributes().getInput().getPayloadsCount() == 0) {
      return NOBODY;
    }
    try {
      JsonNode request =
          JSON.readTree(
              first
                  .getWorkflowExecutionStartedEventAttributes()
                  .getInput()
                  .getPayloads(0)
                  .getData()
                  .toByteArray());
      return new TaskParties(text(request, "requester"), text(request, "environment"));
    } catch (IOException e) {
      return NOBODY;
    }
  }

  private static String text(JsonNode request, String field) {
    JsonNode v = request == null ? null : request.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }
}
