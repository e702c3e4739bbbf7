package io.interlock.gate;

import static io.interlock.gate.GateHarness.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.StepState;
import io.interlock.workflows.AgentTask;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A step's first hop: a read is resolved, checked and read in one activity; a write next in line is
 * resolved, previewed and checked in one; a write queued behind another is previewed when its turn
 * comes. The harness's workflow worker serves both environments, as one process does in production,
 * so the look is a local activity ({@code local:Look}); a workflow worker that serves no
 * environment sends it to the environment's queue ({@code Look}).
 */
class GateFirstHopTest {
  @AutoClose private final GateHarness h = new GateHarness();

  @Test
  @DisplayName(
      "given a READ, the history shows one local Look activity for it (no separate Resolve, Check, Read, no task queue hop) and the audit still records its resolution and read")
  void readIsOneHop() {
    AgentTask task = h.start("agent:bot", "staging");
    task.propose(get("api")); // the task's own first activities (the requester's proof) are done
    List<String> before = activities(task);
    assertThat(task.propose(get("web")).state()).isEqualTo(StepState.SUCCEEDED);
    List<String> added = activities(task).subList(before.size(), activities(task).size());
    assertThat(added).containsExactly("local:Look");
    assertThat(task.audit().stream().filter(e -> "s2".equals(e.stepId())).map(e -> e.kind().name()))
        .containsExactly("PROPOSED", "RESOLVED", "READ");
  }

  @Test
  @DisplayName(
      "given a workflow worker that serves no environment, its first local observation is refused and every call of the run then goes to the environment's queue: a read, a write and its approval still reach their results")
  void observationsTravelToTheEnvironmentQueueWhenNotServedHere() {
    try (GateHarness remote = GateHarness.withWorkflowWorkerServingNothing()) {
      AgentTask task = remote.start("agent:bot", "staging");
      task.propose(get("api"));
      List<String> before = activities(remote, task);
      assertThat(task.propose(get("web")).state()).isEqualTo(StepState.SUCCEEDED);
      var write = task.propose(GateHarness.scale("web", 5));
      assertThat(write.state()).isEqualTo(StepState.AWAITING_APPROVAL);
      assertThat(write.preview().summary()).contains("replicas");
      // The run's first local attempt was refused; every later observation went straight to the
      // queue.
      assertThat(activities(remote, task).subList(before.size(), activities(remote, task).size()))
          .containsExactly("Look", "Look");
      assertThat(activities(remote, task).stream().filter(a -> a.startsWith("local:"))).hasSize(1);
      remote.assertMutations(0);
      GateHarness.approve(task, write, "alice");
      GateHarness.awaitState(task, write.stepId(), StepState.VERIFIED);
      // The re-check went to the environment's queue as well; the write always does.
      assertThat(activities(remote, task)).containsSubsequence("Check", "Execute");
      assertThat(activities(remote, task).stream().filter(a -> a.startsWith("local:"))).hasSize(1);
      remote.assertMutations(1);
    }
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
        .containsExactly("local:Look");
  }

  @Test
  @DisplayName(
      "given a WRITE with nothing ahead of it, one local Look activity takes it to AWAITING_APPROVAL with its preview and PROPOSE decision recorded")
  void writeNextInLineIsOneHop() {
    AgentTask task = h.start("agent:bot", "staging");
    task.propose(get("api"));
    List<String> before = activities(task);
    var write = task.propose(GateHarness.scale("web", 5));
    assertThat(write.state()).isEqualTo(StepState.AWAITING_APPROVAL);
    assertThat(write.preview().summary()).contains("replicas");
    assertThat(write.policy().allowed()).isTrue();
    assertThat(activities(task).subList(before.size(), activities(task).size()))
        .containsExactly("local:Look");
    assertThat(
            task.audit().stream()
                .filter(e -> write.stepId().equals(e.stepId()))
                .map(e -> e.kind().name()))
        .containsExactly("PROPOSED", "RESOLVED", "PREVIEWED", "POLICY", "AWAITING_APPROVAL");
    h.assertMutations(0);
  }

  @Test
  @DisplayName(
      "given a WRITE queued behind one awaiting approval, it is access-checked, previewed and checked in one look when its turn comes, not from its first hop")
  void queuedWriteIsPreviewedOnItsTurn() {
    AgentTask task = h.start("agent:bot", "staging");
    var first = task.propose(GateHarness.scale("web", 5));
    assertThat(first.state()).isEqualTo(StepState.AWAITING_APPROVAL);
    var second = task.propose(GateHarness.scale("api", 3));
    assertThat(second.state()).isEqualTo(StepState.PROPOSED);
    List<String> before = activities(task);
    GateHarness.approve(task, first, "alice");
    GateHarness.awaitState(task, second.stepId(), StepState.AWAITING_APPROVAL);
    List<String> onItsTurn = activities(task).subList(before.size(), activities(task).size());
    // The first write's re-check and execution, then one look for the second, verify in between.
    assertThat(onItsTurn)
        .containsSubsequence("local:Check", "Execute", "local:Look")
        .doesNotContain("Preview");
  }

  private List<String> activities(AgentTask task) {
    return activities(h, task);
  }

  /** Activities in history order; a local one (a marker, no task queue) as {@code local:<type>}. */
  private static List<String> activities(GateHarness harness, AgentTask task) {
    return allActivities(harness, task).stream()
        .filter(name -> !name.matches("(local:)?(AwaitingApproval|Settled)"))
        .toList();
  }

  static List<String> allActivities(GateHarness harness, AgentTask task) {
    return harness.client.fetchHistory(GateHarness.workflowId(task)).getEvents().stream()
        .map(GateFirstHopTest::activityType)
        .filter(name -> name != null)
        .toList();
  }

  private static String activityType(HistoryEvent e) {
    if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      return e.getActivityTaskScheduledEventAttributes().getActivityType().getName();
    }
    if (e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED
        && e.getMarkerRecordedEventAttributes().getMarkerName().equals("LocalActivity")) {
      Payloads type = e.getMarkerRecordedEventAttributes().getDetailsOrThrow("type");
      return "local:"
          + DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
              0, Optional.of(type), String.class, String.class);
    }
    return null;
  }
}
