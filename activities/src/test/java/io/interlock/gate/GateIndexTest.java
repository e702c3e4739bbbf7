package io.interlock.gate;

import static io.interlock.gate.GateHarness.scale;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
import io.interlock.workflows.TaskSearchAttributes;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A task's search attributes (its state, pending steps, environment and requester) are an index
 * operators and the inbox list by. The API sets them at the start, so a task is listable at once
 * and its run upserts only when a value changes; whatever values a start carries, the run's first
 * workflow task leaves the index saying what the task is.
 */
class GateIndexTest {
  @AutoClose private final GateHarness h = new GateHarness();

  @Test
  @DisplayName(
      "a task started with its index, as the API does, upserts nothing until its first write waits")
  void indexedAtStart() {
    String id = "task-indexed";
    AgentTask task = h.unstarted(id, TaskSearchAttributes.atStart("prod", "agent:bot"));
    GateHarness.open(task, h.proven(id, new TaskRequest("agent:bot", "prod", "indexed", null)));

    assertThat(upserts(id)).isEmpty();
    assertThat(index(id).get(TaskSearchAttributes.TASK_STATE)).isEqualTo("RUNNING");

    assertThat(task.propose(scale("web", 4)).state()).isEqualTo(StepState.AWAITING_APPROVAL);
    assertThat(upserts(id)).hasSize(1);
    SearchAttributes index = index(id);
    assertThat(index.get(TaskSearchAttributes.TASK_STATE)).isEqualTo("AWAITING_APPROVAL");
    assertThat(index.get(TaskSearchAttributes.PENDING_STEPS)).containsExactly("s1");
    assertThat(index.get(TaskSearchAttributes.ENVIRONMENT)).isEqualTo("prod");
    assertThat(index.get(TaskSearchAttributes.REQUESTER)).isEqualTo("agent:bot");
    h.assertMutations(0);
  }

  @Test
  @DisplayName("a task started without an index upserts it in its first workflow task")
  void indexedByTheRun() {
    String id = "task-unindexed";
    AgentTask task = h.unstarted(id);
    GateHarness.open(task, h.proven(id, new TaskRequest("agent:bot", "prod", "plain", null)));

    assertThat(upserts(id)).hasSize(1);
    assertThat(index(id).get(TaskSearchAttributes.REQUESTER)).isEqualTo("agent:bot");
    assertThat(index(id).get(TaskSearchAttributes.ENVIRONMENT)).isEqualTo("prod");
  }

  @Test
  @DisplayName(
      "a run continued as new starts with its index carried over and upserts only what then changes")
  void continuedRunKeepsItsIndex() {
    String id = "task-index-continued";
    AgentTask task = h.unstarted(id, TaskSearchAttributes.atStart("prod", "agent:bot"));
    GateHarness.open(
        task,
        h.proven(
            id, new TaskRequest("agent:bot", "prod", "long", null, null, null, null, 100, null)));
    h.readUntilContinued(task, id);
    assertThat(upserts(id)).as("upserts in the continued run").isEmpty();

    StepView write = task.propose(scale("web", 4));
    assertThat(write.state()).isEqualTo(StepState.AWAITING_APPROVAL);
    assertThat(upserts(id)).hasSize(1);
    SearchAttributes index = index(id);
    assertThat(index.get(TaskSearchAttributes.TASK_STATE)).isEqualTo("AWAITING_APPROVAL");
    assertThat(index.get(TaskSearchAttributes.PENDING_STEPS)).containsExactly(write.stepId());
    assertThat(index.get(TaskSearchAttributes.REQUESTER)).isEqualTo("agent:bot");
    h.assertMutations(0);
  }

  // ---- attacks ------------------------------------------------------------------------------

  @Test
  @DisplayName(
      "an agent's start that carries a forged index (another requester, a state, pending steps, one value off, 1 MB, the right bytes under another encoding or type) is overwritten in the first workflow task")
  void forgedIndexOverwritten() {
    List<SearchAttributes> forged =
        List.of(
            forged("COMPLETED", List.of("s9"), "staging", "alice").build(),
            // Right but for one pending step an approver would be sent to.
            forged("RUNNING", List.of("s1"), "prod", "agent:bot").build(),
            // Right but for the requester.
            TaskSearchAttributes.atStart("prod", "agent:other"),
            // Right but for the state.
            forged("AWAITING_APPROVAL", null, "prod", "agent:bot").build(),
            // Only some of the values.
            forged("RUNNING", null, null, null).build(),
            // The right bytes under another encoding: the server reads them as no value at all.
            forged("RUNNING", null, null, "agent:bot")
                .set(
                    untyped(TaskSearchAttributes.ENVIRONMENT), raw("\"prod\"", "binary/null", null))
                .build(),
            // The right JSON under another type, which breaks every typed read of the index.
            forged("RUNNING", null, "prod", null)
                .set(
                    untyped(TaskSearchAttributes.REQUESTER),
                    raw("\"agent:bot\"", "json/plain", "Int"))
                .build(),
            // An oversized value, read once and replaced.
            forged("RUNNING", null, "prod", "agent:bot" + " ".repeat(1_000_000)).build(),
            // The right value followed by more JSON.
            forged("RUNNING", null, "prod", null)
                .set(
                    untyped(TaskSearchAttributes.REQUESTER),
                    raw("\"agent:bot\" \"alice\"", "json/plain", null))
                .build());
    for (int i = 0; i < forged.size(); i++) {
      String id = "task-forged-" + i;
      AgentTask task = h.unstarted(id, forged.get(i));
      GateHarness.open(task, h.proven(id, new TaskRequest("agent:bot", "prod", "forged", null)));

      assertThat(upserts(id)).as("start %d", i).hasSize(1);
      SearchAttributes index = index(id);
      assertThat(index.get(TaskSearchAttributes.TASK_STATE)).as("start %d", i).isEqualTo("RUNNING");
      assertThat(index.get(TaskSearchAttributes.PENDING_STEPS)).as("start %d", i).isNullOrEmpty();
      assertThat(index.get(TaskSearchAttributes.ENVIRONMENT)).as("start %d", i).isEqualTo("prod");
      assertThat(index.get(TaskSearchAttributes.REQUESTER))
          .as("start %d", i)
          .isEqualTo("agent:bot");
      // The task itself never read the index: it answers and gates as any other.
      assertThat(task.status().requester()).isEqualTo("agent:bot");
      assertThat(task.status().steps()).isEmpty();
    }
    h.assertMutations(0);
  }

  /** A start's index as an agent may set it: each value typed, null ones left out. */
  private static SearchAttributes.Builder forged(
      String state, List<String> pending, String environment, String requester) {
    SearchAttributes.Builder b = SearchAttributes.newBuilder();
    if (state != null) {
      b.set(TaskSearchAttributes.TASK_STATE, state);
    }
    if (pending != null) {
      b.set(TaskSearchAttributes.PENDING_STEPS, pending);
    }
    if (environment != null) {
      b.set(TaskSearchAttributes.ENVIRONMENT, environment);
    }
    if (requester != null) {
      b.set(TaskSearchAttributes.REQUESTER, requester);
    }
    return b;
  }

  private static SearchAttributeKey<Payload> untyped(SearchAttributeKey<?> key) {
    return SearchAttributeKey.forUntyped(key.getName());
  }

  /** A search attribute's payload as an agent may hand it to the server, metadata and all. */
  private static Payload raw(String data, String encoding, String type) {
    Payload.Builder p =
        Payload.newBuilder()
            .setData(ByteString.copyFromUtf8(data))
            .putMetadata("encoding", ByteString.copyFromUtf8(encoding));
    if (type != null) {
      p.putMetadata("type", ByteString.copyFromUtf8(type));
    }
    return p.build();
  }

  private List<HistoryEvent> upserts(String id) {
    return h.client.fetchHistory(id).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
        .toList();
  }

  private SearchAttributes index(String id) {
    return WorkflowStub.fromTyped(h.client.newWorkflowStub(AgentTask.class, id))
        .describe()
        .getTypedSearchAttributes();
  }
}
