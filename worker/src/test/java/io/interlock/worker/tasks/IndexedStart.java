package io.interlock.worker.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.List;

/**
 * What the history of a task the API started shows of its index: the start carries it, and the run
 * upserts nothing before its first step can change it (whichever server kept it).
 */
public final class IndexedStart {
  private IndexedStart() {}

  public static void assertIndexedAtStart(List<HistoryEvent> events) {
    assertThat(
            events
                .get(0)
                .getWorkflowExecutionStartedEventAttributes()
                .getSearchAttributes()
                .getIndexedFieldsMap())
        .containsKeys("InterlockTaskState", "InterlockEnvironment", "InterlockRequester");
    assertThat(events.stream().takeWhile(e -> !isProposal(e)))
        .as("upserts before the first proposal")
        .noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES);
  }

  private static boolean isProposal(HistoryEvent e) {
    return e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
        && e.getWorkflowExecutionUpdateAcceptedEventAttributes()
            .getAcceptedRequest()
            .getInput()
            .getName()
            .equals("propose");
  }
}
