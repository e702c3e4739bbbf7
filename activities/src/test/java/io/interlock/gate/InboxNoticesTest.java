package io.interlock.gate;

import static io.interlock.gate.GateHarness.awaitClosed;
import static io.interlock.gate.GateHarness.awaitStep;
import static io.interlock.gate.GateHarness.get;
import static io.interlock.gate.GateHarness.scale;
import static io.interlock.gate.GateHarness.workflowId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.PendingApproval;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The inbox hears every write that waits and every one that settles, from local activities of the
 * workflow's own worker, including in the workflow task that ends or continues the run (the SDK
 * does not run a local activity scheduled there unless the run waits for it).
 */
class InboxNoticesTest {
  private static final int HISTORY_LIMIT = 100;

  @AutoClose private final GateHarness h = new GateHarness();

  @Test
  @DisplayName(
      "given a write that waits and is approved, the inbox hears both as local activities of the workflow's worker (no activity task on the queue) and has the entry, then its settlement")
  void noticesStayInTheWorker() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView write = task.propose(scale("web", 5));
    GateHarness.approve(task, write, "alice");
    awaitStep(task, write.stepId(), v -> v.state().isFinal());
    assertThat(GateFirstHopTest.allActivities(h, task))
        .contains("local:AwaitingApproval", "local:Settled")
        .doesNotContain("AwaitingApproval", "Settled");
    assertThat(h.inbox.awaiting).extracting(PendingApproval::stepId).containsOnly(write.stepId());
    assertThat(h.inbox.settled).contains(workflowId(task) + "/" + write.stepId() + "=APPROVED");
  }

  @Test
  @DisplayName(
      "given a task that finishes when its plan is done and whose only write is rejected, the inbox hears the settlement sent in the workflow task that completes the run")
  void settlementInTheRunsLastTask() {
    AgentTask task = h.start(request(List.of(scale("web", 5)), true, null));
    StepView s = awaitStep(task, "s1", v -> v.state() == StepState.AWAITING_APPROVAL);
    task.reject(TestIdentities.rejection(task, s, "bob", "not now"));
    awaitClosed(task);
    assertThat(h.inbox.settled).containsOnly(workflowId(task) + "/s1=REJECTED");
  }

  @Test
  @DisplayName(
      "given a write proposed once the history passed its limit, the run continues as new in the workflow task that made the write wait, and the inbox still hears that it waits")
  void awaitingNoticeInTheTaskThatContinuesAsNew() {
    AgentTask task = h.start(request(List.of(), null, HISTORY_LIMIT));
    WorkflowStub stub = WorkflowStub.fromTyped(task);
    String firstRun = stub.getExecution().getRunId();
    // Reads until the next update's workflow task starts past the limit (its two events on top).
    while (stub.describe().getWorkflowExecutionInfo().getHistoryLength() < HISTORY_LIMIT - 1) {
      assertThat(task.propose(get("web")).state()).isEqualTo(StepState.SUCCEEDED);
    }
    StepView write = task.propose(scale("web", 5));
    assertThat(write.state()).isEqualTo(StepState.AWAITING_APPROVAL);
    List<HistoryEvent> first = h.client.fetchHistory(workflowId(task), firstRun).getEvents();
    // The write was proposed to, and waited in, the run that then continued as new.
    assertThat(first)
        .extracting(HistoryEvent::getEventType)
        .endsWith(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    assertThat(first)
        .filteredOn(
            e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
        .map(e -> e.getWorkflowExecutionUpdateAcceptedEventAttributes().getAcceptedRequest())
        .anyMatch(r -> r.getInput().getArgs().toString().contains("k8s.scale"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(h.inbox.awaiting)
                    .extracting(PendingApproval::stepId)
                    .contains(write.stepId()));
  }

  private static TaskRequest request(
      List<ToolCall> steps, Boolean finishWhenDone, Integer historyLimit) {
    return new TaskRequest(
        "agent:bot", "staging", "gate test", steps, null, finishWhenDone, null, historyLimit, null);
  }
}
