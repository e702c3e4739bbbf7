package io.interlock.workflows.gate;

import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.values.TaskSnapshot;
import io.temporal.workflow.Workflow;

/**
 * What a task is, fixed for its whole life (continue-as-new carries it unchanged).
 *
 * @param taskRunId first run id of the continue-as-new chain: what a call hash binds the task by
 */
record TaskContext(
    String taskId,
    String taskRunId,
    String requester,
    String environment,
    String goal,
    long approvalTimeoutSeconds,
    long idleTimeoutSeconds,
    boolean finishWhenDone,
    int historyLimit) {
  static final long DEFAULT_APPROVAL_SECONDS = 3600;
  static final long DEFAULT_IDLE_SECONDS = 86_400;

  /** Continue-as-new before the history gets large (the server also suggests it). */
  static final int HISTORY_LIMIT = 8_000;

  static final int MIN_HISTORY_LIMIT = 100;

  /** The request with its defaults filled in; a continued run keeps the task id it carries. */
  static TaskContext of(TaskRequest request, TaskSnapshot resume) {
    return new TaskContext(
        resume == null ? Workflow.getInfo().getWorkflowId() : resume.taskId(),
        Workflow.getInfo().getFirstExecutionRunId(),
        request.requester(),
        request.environment(),
        request.goal() == null ? "" : request.goal(),
        positive(request.approvalTimeoutSeconds(), DEFAULT_APPROVAL_SECONDS),
        positive(request.idleTimeoutSeconds(), DEFAULT_IDLE_SECONDS),
        Boolean.TRUE.equals(request.finishWhenDone()),
        request.historyLimit() == null
            ? HISTORY_LIMIT
            : Math.max(MIN_HISTORY_LIMIT, request.historyLimit()));
  }

  /** What the next run is started with: the same task, its steps carried in the memo instead. */
  TaskRequest continued() {
    return new TaskRequest(
        requester,
        environment,
        goal,
        null,
        approvalTimeoutSeconds,
        finishWhenDone,
        idleTimeoutSeconds,
        historyLimit,
        null);
  }

  private static long positive(Long v, long fallback) {
    return v == null || v <= 0 ? fallback : v;
  }
}
