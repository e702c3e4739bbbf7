package io.interlock.worker.tasks;

import io.interlock.worker.api.ApiError;
import io.interlock.worker.api.ApiException;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import io.temporal.common.WorkflowExecutionHistory;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How a task's workflow ended, read from the last event of its latest run: by its own logic
 * (completed, failed) or from outside (terminated by an operator, timed out by a Temporal timeout
 * its starter set, cancelled). A command to an ended task, or a read of one ended from outside
 * (whose last status would still claim it waits), is answered 410 Gone with this.
 *
 * @param what {@code was terminated}, {@code timed out}, ...
 * @param why when, by whom and why, as far as the history says
 */
public record TaskEnding(String taskId, String what, String why) {
  private static final String NEXT =
      "nothing more can happen in this task; its record stays readable"
          + " (GET /api/tasks/%s/audit, /history); to carry on, start a new task with POST /api/tasks";

  public static TaskEnding of(String taskId, WorkflowExecutionHistory latestRun) {
    List<HistoryEvent> events = latestRun.getEvents();
    if (events.isEmpty()) {
      return new TaskEnding(taskId, "has ended", "its history is empty");
    }
    HistoryEvent last = events.get(events.size() - 1);
    String at =
        Instant.ofEpochSecond(last.getEventTime().getSeconds(), last.getEventTime().getNanos())
            .toString();
    return switch (last.getEventType()) {
      case EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED -> {
        var t = last.getWorkflowExecutionTerminatedEventAttributes();
        yield new TaskEnding(
            taskId,
            "was terminated",
            "terminated at "
                + at
                + (t.getIdentity().isEmpty() ? "" : " by " + bounded(t.getIdentity()))
                + (t.getReason().isEmpty()
                    ? " (no reason given)"
                    : ", reason: " + bounded(t.getReason()))
                + "; anything still waiting for approval in it will never run");
      }
      case EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT ->
          new TaskEnding(
              taskId,
              "timed out",
              "timed out at "
                  + at
                  + ": it ran past the Temporal "
                  + timeoutOf(events.get(0))
                  + " its starter set; anything still waiting for approval in it will never run");
      case EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED ->
          new TaskEnding(
              taskId,
              "was cancelled",
              "cancelled at "
                  + at
                  + " through Temporal; anything still waiting for approval in it will never run");
      case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED ->
          new TaskEnding(
              taskId,
              "has completed",
              "completed at " + at + "; GET /api/tasks/" + taskId + " shows how each step ended");
      case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED ->
          new TaskEnding(
              taskId,
              "has failed",
              "failed at "
                  + at
                  + ": "
                  + bounded(
                      last.getWorkflowExecutionFailedEventAttributes().getFailure().getMessage()));
      default -> new TaskEnding(taskId, "has ended", "ended at " + at);
    };
  }

  public ApiException gone() {
    return new ApiException(
        Response.Status.GONE,
        new ApiError("task '" + taskId + "' " + what, why, null, null, NEXT.formatted(taskId)));
  }

  private static String timeoutOf(HistoryEvent first) {
    if (!first.hasWorkflowExecutionStartedEventAttributes()) {
      return "timeout";
    }
    WorkflowExecutionStartedEventAttributes a = first.getWorkflowExecutionStartedEventAttributes();
    if (a.hasWorkflowRunTimeout() && a.getWorkflowRunTimeout().getSeconds() > 0) {
      return "run timeout (" + Duration.ofSeconds(a.getWorkflowRunTimeout().getSeconds()) + ")";
    }
    return a.hasWorkflowExecutionTimeout()
        ? "execution timeout ("
            + Duration.ofSeconds(a.getWorkflowExecutionTimeout().getSeconds())
            + ")"
        : "timeout";
  }

  /**
   * Reasons and identities are whatever the operator's client sent: shown short and without control
   * characters.
   */
  private static String bounded(String s) {
    String t = s.replaceAll("[\\p{Cc}\\p{Cf}]", "?");
    return t.length() > 500 ? t.substring(0, 500) + "…" : t;
  }
}
