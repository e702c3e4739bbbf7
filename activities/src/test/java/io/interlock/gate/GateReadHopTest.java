package io.interlock.gate;

import static io.interlock.gate.GateHarness.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.StepState;
import io.interlock.workflows.AgentTask;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** An agent's read costs one activity round trip: resolve, policy and the read in one hop. */
class GateReadHopTest {
  @AutoClose private final GateHarness h = new GateHarness();

  @Test
  @DisplayName(
      "given a READ, the history shows one Look activity for it (no separate Resolve, Check, Read) and the audit still records its resolution and read")
  void readIsOneHop() {
    AgentTask task = h.start("agent:bot", "staging");
    task.propose(get("api")); // the task's own first activities (the requester's proof) are done
    List<String> before = activities(task);
    assertThat(task.propose(get("web")).state()).isEqualTo(StepState.SUCCEEDED);
    List<String> added = activities(task).subList(before.size(), activities(task).size());
    assertThat(added).containsExactly("Look");
    assertThat(task.audit().stream().filter(e -> "s2".equals(e.stepId())).map(e -> e.kind().name()))
        .containsExactly("PROPOSED", "RESOLVED", "READ");
  }

  @Test
  @DisplayName(
      "given a READ that policy denies, the same hop stops before reading: BLOCKED by namespace.scope, no result, no read activity")
  void deniedReadIsNotRead() {
    AgentTask task = h.start("agent:bot", "staging");
    task.propose(get("api"));
    List<String> before = activities(task);
    var read =
        task.propose(
            new ToolCall(
                "k8s.get",
                Map.of("namespace", "kube-system", "kind", "Deployment", "name", "log-agent")));
    assertThat(read.state()).isEqualTo(StepState.BLOCKED);
    assertThat(read.result() == null || read.result().isNull()).isTrue();
    assertThat(activities(task).subList(before.size(), activities(task).size()))
        .containsExactly("Look");
  }

  private List<String> activities(AgentTask task) {
    String id = WorkflowStub.fromTyped(task).getExecution().getWorkflowId();
    return h.client.fetchHistory(id).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map(HistoryEvent::getActivityTaskScheduledEventAttributes)
        .map(a -> a.getActivityType().getName())
        .filter(name -> !name.equals("AwaitingApproval") && !name.equals("Settled"))
        .toList();
  }
}
