package io.interlock.workflows;

import io.interlock.contract.values.TaskState;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import java.util.List;

/** Search attributes that let operators find tasks (register them on the server before use). */
public final class TaskSearchAttributes {
  private TaskSearchAttributes() {}

  public static final SearchAttributeKey<String> TASK_STATE =
      SearchAttributeKey.forKeyword("InterlockTaskState");
  public static final SearchAttributeKey<List<String>> PENDING_STEPS =
      SearchAttributeKey.forKeywordList("InterlockPendingSteps");
  public static final SearchAttributeKey<String> ENVIRONMENT =
      SearchAttributeKey.forKeyword("InterlockEnvironment");
  public static final SearchAttributeKey<String> REQUESTER =
      SearchAttributeKey.forKeyword("InterlockRequester");

  public static final List<SearchAttributeKey<?>> ALL =
      List.of(TASK_STATE, PENDING_STEPS, ENVIRONMENT, REQUESTER);

  /**
   * What a new task's first run indexes before its first step, for the starter to set: a run that
   * finds exactly these values at its start upserts nothing (any other values it overwrites).
   */
  public static SearchAttributes atStart(String environment, String requester) {
    return SearchAttributes.newBuilder()
        .set(TASK_STATE, TaskState.RUNNING.name())
        .set(ENVIRONMENT, environment)
        .set(REQUESTER, requester)
        .build();
  }
}
