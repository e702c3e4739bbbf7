package io.interlock.gate;

import static io.interlock.gate.GateHarness.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.interlock.contract.views.TaskView;
import io.interlock.workflows.AgentTask;
import io.temporal.client.WorkflowUpdateException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Whatever a task holds, what it answers and carries stays far below Temporal's 4 MB message and 2
 * MB payload limits: finished steps beyond a budget are kept compact (the history has them whole),
 * and open calls share a budget a proposal cannot exceed.
 */
class GateBoundsTest {
  private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

  /** Far below the 2 MB a continue-as-new input or a workflow result may be. */
  private static final int ANSWER_BUDGET = 1_600_000;

  @AutoClose private final GateHarness h = new GateHarness();

  @AfterEach
  void aNewTaskStillRuns() {
    AgentTask fresh = h.start("agent:bot", "staging");
    assertThat(fresh.propose(get("web")).state())
        .as("a new task still runs")
        .isEqualTo(StepState.SUCCEEDED);
  }

  private static int bytes(Object value) throws Exception {
    return JSON.writeValueAsBytes(value).length;
  }

  private static ToolCall bigRead(int i) {
    // A legal-size call (just under 256 KiB) that resolves to a failure: its args are held by the
    // step.
    return new ToolCall(
        "k8s.get", Map.of("namespace", "shop", "name", "web-" + i, "kind", "x".repeat(250_000)));
  }

  private static ToolCall bigConfigMap(String name, int size) {
    return new ToolCall(
        "k8s.apply",
        Map.of(
            "manifest",
            Map.of(
                "apiVersion",
                "v1",
                "kind",
                "ConfigMap",
                "metadata",
                Map.of("name", name, "namespace", "shop"),
                "data",
                Map.of("blob", "y".repeat(size)))));
  }

  @Test
  @DisplayName(
      "30 finished steps of 250 KB each: status() stays small, older ones compact, each answer whole")
  void finishedStepsStayBounded() throws Exception {
    AgentTask task = h.start("agent:bot", "staging");
    for (int i = 0; i < 29; i++) {
      assertThat(task.propose(bigRead(i)).state()).isEqualTo(StepState.FAILED);
    }
    StepView answer = task.propose(bigRead(29));
    assertThat(answer.compacted()).as("a proposal's own answer is whole").isFalse();
    assertThat(answer.args()).containsKey("kind");
    assertThat(answer.error()).as("the error repeats the input short").hasSizeLessThan(2_000);
    TaskView view = task.status();
    assertThat(bytes(view)).as("status() bytes").isLessThan(ANSWER_BUDGET);
    assertThat(view.steps()).hasSize(30);
    StepView oldest = view.steps().get(0);
    assertThat(oldest.compacted()).isTrue();
    assertThat(oldest.args()).isNull();
    assertThat(oldest.state()).isEqualTo(StepState.FAILED);
    assertThat(oldest.error()).isNotBlank();
    assertThat(task.propose(get("web")).state()).isEqualTo(StepState.SUCCEEDED);
  }

  @Test
  @DisplayName(
      "open calls share a 1 MiB budget: the proposal beyond it is refused, naming the budget; the task lives on")
  void openCallsShareABudget() throws Exception {
    AgentTask task = h.start("agent:bot", "staging");
    int accepted = 0;
    WorkflowUpdateException refused = null;
    while (refused == null && accepted < 8) {
      try {
        assertThat(task.propose(bigConfigMap("big-" + accepted, 240_000)).state())
            .isIn(StepState.AWAITING_APPROVAL, StepState.PROPOSED);
        accepted++;
      } catch (WorkflowUpdateException e) {
        refused = e;
      }
    }
    assertThat(accepted).as("large calls accepted before the budget ran out").isBetween(2, 4);
    assertThat(refused)
        .isNotNull()
        .rootCause()
        .hasMessageContaining("open calls")
        .hasMessageContaining("1048576");
    TaskView view = task.status();
    assertThat(view.steps()).hasSize(accepted);
    assertThat(bytes(view)).as("status() bytes").isLessThan(ANSWER_BUDGET);
    assertThat(task.propose(get("web")).state()).isEqualTo(StepState.SUCCEEDED);
    h.assertMutations(0);
  }

  @Test
  @DisplayName(
      "a legal 1 MB ConfigMap is refused before it is stored, naming the 256 KiB limit; the task lives on")
  void oneMegabyteConfigMapRefused() {
    AgentTask task = h.start("agent:bot", "staging");
    assertThatThrownBy(() -> task.propose(bigConfigMap("huge", 1_000_000)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("262144");
    assertThat(task.status().steps()).isEmpty();
    assertThat(task.propose(get("web")).state()).isEqualTo(StepState.SUCCEEDED);
    h.assertMutations(0);
  }

  @Test
  @DisplayName("a plan of large calls beyond the open budget fails the start, naming it")
  void largePlanRefused() {
    ToolCall[] plan = new ToolCall[6];
    for (int i = 0; i < plan.length; i++) {
      plan[i] = bigConfigMap("plan-" + i, 240_000);
    }
    AgentTask task = h.start(new TaskRequest("agent:bot", "staging", "too much", List.of(plan)));
    assertThatThrownBy(
            () -> io.temporal.client.WorkflowStub.fromTyped(task).getResult(TaskView.class))
        .rootCause()
        .hasMessageContaining("1048576");
    h.assertMutations(0);
  }

  @Test
  @DisplayName(
      "continue-as-new with many large finished steps carries them compact; status() stays small")
  void continueAsNewCarriesCompactSteps() throws Exception {
    AgentTask task =
        h.start(
            new TaskRequest(
                "agent:bot", "staging", "long", List.of(), null, null, null, 100, null));
    String firstRun = io.temporal.client.WorkflowStub.fromTyped(task).getExecution().getRunId();
    String id = io.temporal.client.WorkflowStub.fromTyped(task).getExecution().getWorkflowId();
    for (int i = 0; i < 30; i++) {
      task.propose(bigRead(i));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(h.client.newUntypedWorkflowStub(id).describe().getExecution().getRunId())
                    .as("the task continued as new")
                    .isNotEqualTo(firstRun));
    TaskView view = task.status();
    assertThat(view.steps()).hasSize(30);
    assertThat(bytes(view)).as("status() bytes").isLessThan(ANSWER_BUDGET);
    assertThat(task.propose(get("web")).state()).isEqualTo(StepState.SUCCEEDED);
  }
}
