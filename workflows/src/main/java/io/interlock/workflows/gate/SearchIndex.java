package io.interlock.workflows.gate;

import io.interlock.workflows.TaskSearchAttributes;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.Map;

/**
 * Keeps the task's search attributes (state, pending steps) current, upserting only on a change.
 */
final class SearchIndex {
  private final TaskContext task;
  private final StepQueue steps;
  private String last;

  /** Whether the first upsert may be skipped (see {@link RunVersion#indexFromStart}). */
  private boolean indexFromStart;

  SearchIndex(TaskContext task, StepQueue steps) {
    this.task = task;
    this.steps = steps;
  }

  /** Set by the run before its first upsert. */
  void indexFromStart(boolean allowed) {
    this.indexFromStart = allowed;
  }

  /**
   * The first upsert of a run also names the environment and the requester, unless the run was
   * started with exactly these values ({@link TaskSearchAttributes#atStart}, as the API does, or
   * carried over by continue-as-new) and its version allows the skip.
   */
  void upsert(boolean first) {
    String state = steps.taskState().name();
    List<String> pending = steps.pending();
    String key = state + pending;
    if (key.equals(last)) {
      return;
    }
    last = key;
    SearchAttributeUpdate<?>[] updates =
        first
            ? new SearchAttributeUpdate<?>[] {
              TaskSearchAttributes.TASK_STATE.valueSet(state),
              TaskSearchAttributes.PENDING_STEPS.valueSet(pending),
              TaskSearchAttributes.ENVIRONMENT.valueSet(task.environment()),
              TaskSearchAttributes.REQUESTER.valueSet(task.requester())
            }
            : new SearchAttributeUpdate<?>[] {
              TaskSearchAttributes.TASK_STATE.valueSet(state),
              TaskSearchAttributes.PENDING_STEPS.valueSet(pending)
            };
    if (first && indexFromStart && startCarries(updates)) {
      return; // an upsert would change nothing and cost an event
    }
    Workflow.upsertTypedSearchAttributes(updates);
  }

  /**
   * Whether this run started with every value of {@code updates} (an empty list as absent): read
   * from the start event, so a replay decides the same. Compared as encoded, since decoding a
   * keyword list is the SDK's slow path, and an unexpected value simply means an upsert.
   */
  @SuppressWarnings("deprecation") // the raw attributes the run started with
  private static boolean startCarries(SearchAttributeUpdate<?>[] updates) {
    var started = Workflow.getInfo().getSearchAttributes();
    if (started == null) {
      return false;
    }
    Map<String, Payload> carried = started.getIndexedFieldsMap();
    for (SearchAttributeUpdate<?> u : updates) {
      Object value = u.getValue().orElse(null);
      Payload have = carried.get(u.getKey().getName());
      if (value instanceof List<?> list && list.isEmpty()) {
        if (have != null && !encoded(list).equals(have.getData().toStringUtf8())) {
          return false;
        }
      } else if (have == null || !encoded(value).equals(have.getData().toStringUtf8())) {
        return false;
      }
    }
    return true;
  }

  /** A value's data as the SDK encodes a search attribute (the standard JSON converter). */
  private static String encoded(Object value) {
    return DefaultDataConverter.STANDARD_INSTANCE
        .toPayload(value)
        .orElseThrow()
        .getData()
        .toStringUtf8();
  }
}
