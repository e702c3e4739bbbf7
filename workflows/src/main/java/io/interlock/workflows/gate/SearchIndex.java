package io.interlock.workflows.gate;

import io.interlock.workflows.TaskSearchAttributes;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * Keeps the task's search attributes (state, pending steps) current, upserting only on a change.
 */
final class SearchIndex {
  private final TaskContext task;
  private final StepQueue steps;
  private String last;

  SearchIndex(TaskContext task, StepQueue steps) {
    this.task = task;
    this.steps = steps;
  }

  /** The first upsert of a run also names the environment and the requester. */
  void upsert(boolean first) {
    String state = steps.taskState().name();
    List<String> pending = steps.pending();
    String key = state + pending;
    if (key.equals(last)) {
      return;
    }
    last = key;
    if (first) {
      Workflow.upsertTypedSearchAttributes(
          TaskSearchAttributes.TASK_STATE.valueSet(state),
          TaskSearchAttributes.PENDING_STEPS.valueSet(pending),
          TaskSearchAttributes.ENVIRONMENT.valueSet(task.environment()),
          TaskSearchAttributes.REQUESTER.valueSet(task.requester()));
    } else {
      Workflow.upsertTypedSearchAttributes(
          TaskSearchAttributes.TASK_STATE.valueSet(state),
          TaskSearchAttributes.PENDING_STEPS.valueSet(pending));
    }
  }
}
