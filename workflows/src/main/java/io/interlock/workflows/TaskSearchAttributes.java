package io.interlock.workflows;

import io.temporal.common.SearchAttributeKey;
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
}
