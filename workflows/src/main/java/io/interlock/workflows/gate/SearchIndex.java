package io.interlock.workflows.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.interlock.workflows.StrictJsonPayloadConverter;
import io.interlock.workflows.TaskSearchAttributes;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.workflow.Workflow;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Keeps the task's search attributes (state, pending steps) current, upserting only on a change.
 */
final class SearchIndex {
  private static final ObjectMapper JSON = StrictJsonPayloadConverter.strict(new ObjectMapper());

  /** How Temporal names a search attribute's type in its payload's metadata. */
  private static final Map<IndexedValueType, String> TYPE_NAMES =
      Map.of(
          IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD, "Keyword",
          IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST, "KeywordList");

  private final TaskContext task;
  private final StepQueue steps;
  private String last;

  SearchIndex(TaskContext task, StepQueue steps) {
    this.task = task;
    this.steps = steps;
  }

  /**
   * A run's first upsert also names the environment and the requester. With {@code skipIfCarried}
   * ({@link RunVersion#indexFromStart}) it is skipped when the run started with exactly these
   * values ({@link TaskSearchAttributes#atStart}, as the API does, or carried over by
   * continue-as-new).
   */
  void upsertFirst(boolean skipIfCarried) {
    upsert(true, skipIfCarried);
  }

  /** The state and pending steps, when they changed since the last upsert. */
  void upsert() {
    upsert(false, false);
  }

  private void upsert(boolean first, boolean skipIfCarried) {
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
    if (skipIfCarried && startCarries(updates)) {
      return; // an upsert would change nothing and cost an event
    }
    Workflow.upsertTypedSearchAttributes(updates);
  }

  /**
   * Whether this run started with every value of {@code updates} (an empty list as absent): read
   * from the start event, so a replay decides the same. Any other encoding, type or value (an
   * agent's own start can carry anything) simply means an upsert.
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
      boolean none = value instanceof List<?> list && list.isEmpty();
      if (have == null ? !none : !holds(have, u.getKey(), value)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a payload is this value as JSON, typed as the key is or untyped (the server then types
   * it). Compared as values, not bytes: the decision must not hang on how an encoder escapes.
   */
  private static boolean holds(Payload have, SearchAttributeKey<?> key, Object value) {
    if (!"json/plain"
        .equals(have.getMetadataOrDefault("encoding", ByteString.EMPTY).toStringUtf8())) {
      return false;
    }
    ByteString type = have.getMetadataMap().get("type");
    if (type != null && !type.toStringUtf8().equals(TYPE_NAMES.get(key.getValueType()))) {
      return false;
    }
    try {
      return JSON.readTree(have.getData().toByteArray()).equals(JSON.valueToTree(value));
    } catch (IOException e) {
      return false; // not one JSON value (or not UTF-8): the upsert replaces it
    }
  }
}
