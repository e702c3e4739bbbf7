package io.interlock.gate;

import static io.interlock.gate.GateHarness.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Bad inputs from any Temporal client: each ends its own call (or its own task, for a start) at
 * once with the field named, never loops, never mutates, and the engine keeps serving new tasks.
 */
class GateInputTest {
  @AutoClose private final GateHarness h = new GateHarness();

  @AfterEach
  void aNewTaskStillRuns() {
    AgentTask fresh = h.start("agent:bot", "staging");
    assertThat(fresh.propose(get("web")).state())
        .as("a new task still runs")
        .isEqualTo(StepState.SUCCEEDED);
  }

  private WorkflowStub startRaw(Object input) {
    WorkflowStub stub =
        h.client.newUntypedWorkflowStub(
            "AgentTask",
            WorkflowOptions.newBuilder()
                .setTaskQueue(AgentTask.TASK_QUEUE)
                .setWorkflowId("task-" + UUID.randomUUID())
                .build());
    stub.start(input);
    return stub;
  }

  private static void failsNaming(WorkflowStub stub, String field) {
    assertThatThrownBy(() -> stub.getResult(10, TimeUnit.SECONDS, Map.class))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .hasMessageContaining(field);
  }

  @Test
  @DisplayName("malformed start inputs end the task as FAILED at once, naming the field")
  void malformedStarts() {
    failsNaming(
        startRaw(
            Map.of(
                "requester",
                "agent:bot",
                "environment",
                "staging",
                "approvalTimeoutSeconds",
                "abc")),
        "approvalTimeoutSeconds");
    List<Object> nullStep = new ArrayList<>();
    nullStep.add(null);
    Map<String, Object> withNull =
        new HashMap<>(Map.of("requester", "agent:bot", "environment", "staging"));
    withNull.put("steps", nullStep);
    failsNaming(startRaw(withNull), "steps[0]");
    failsNaming(
        startRaw(
            Map.of(
                "requester",
                "agent:bot",
                "environment",
                "staging",
                "approvalTimeoutSeconds",
                9e18)),
        "approvalTimeoutSeconds");
    failsNaming(
        startRaw(
            Map.of(
                "requester",
                "agent:bot",
                "environment",
                "staging",
                "idleTimeoutSeconds",
                Long.MAX_VALUE)),
        "idleTimeoutSeconds");
    List<Map<String, Object>> tooMany = new ArrayList<>();
    for (int i = 0; i < 501; i++) {
      tooMany.add(Map.of("tool", "k8s.get", "args", Map.of("namespace", "shop", "name", "web")));
    }
    failsNaming(
        startRaw(Map.of("requester", "agent:bot", "environment", "staging", "steps", tooMany)),
        "at most 500");
    failsNaming(startRaw("not an object"), "TaskRequest");
    failsNaming(
        startRaw(
            Map.of(
                "requester",
                "agent:bot",
                "environment",
                "staging",
                "requesterProof",
                Map.of("kind", "ssh", "signature", "x".repeat(1_000_000)))),
        "requesterProof");
    h.assertMutations(0);
  }

  @Test
  @DisplayName(
      "a call of more than 256 KiB is refused by the propose validator and in a plan; the task keeps working")
  void oversizedCallsRefused() {
    AgentTask task = h.start("agent:bot", "staging");
    assertThatThrownBy(
            () ->
                task.propose(
                    new ToolCall(
                        "k8s.get",
                        Map.of("namespace", "shop", "name", "web", "kind", "x".repeat(1_000_000)))))
        .isInstanceOf(io.temporal.client.WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("bytes of JSON");
    assertThat(task.propose(get("web")).state()).isEqualTo(StepState.SUCCEEDED);
    failsNaming(
        startRaw(
            Map.of(
                "requester",
                "agent:bot",
                "environment",
                "staging",
                "steps",
                List.of(Map.of("tool", "k8s.get", "args", Map.of("kind", "x".repeat(300_000)))))),
        "steps[0]");
    h.assertMutations(0);
  }

  @Test
  @DisplayName("a number beyond the schema's bounds is refused exactly, never wrapped into range")
  void hugeNumbersRefused() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s =
        task.propose(
            new ToolCall(
                "k8s.scale",
                Map.of(
                    "namespace",
                    "shop",
                    "kind",
                    "Deployment",
                    "name",
                    "web",
                    "replicas",
                    new BigInteger("18446744073709551621"))));
    assertThat(s.state()).isEqualTo(StepState.FAILED);
    assertThat(s.error())
        .contains("replicas")
        .contains("between 0 and 1000")
        .contains("18446744073709551621");
    StepView fraction =
        task.propose(
            new ToolCall(
                "k8s.scale",
                Map.of("namespace", "shop", "kind", "Deployment", "name", "web", "replicas", 4.5)));
    assertThat(fraction.state()).isEqualTo(StepState.FAILED);
    h.assertMutations(0);
    assertThat(h.replicas("web")).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "names that would change the request path ('#' drops ?dryRun=All; '/', '..', '?') are refused at resolve, naming the rule; nothing mutates")
  void pathChangingNamesRefused() {
    AgentTask task = h.start("agent:bot", "staging");
    for (String bad : List.of("flags#x", "flags?dryRun=All", "flags/../web-config", "Flags")) {
      StepView apply =
          task.propose(
              new ToolCall(
                  "k8s.apply",
                  Map.of(
                      "manifest",
                      Map.of(
                          "apiVersion",
                          "v1",
                          "kind",
                          "ConfigMap",
                          "metadata",
                          Map.of("name", bad, "namespace", "shop"),
                          "data",
                          Map.of("k", "v")))));
      assertThat(apply.state()).as(bad).isEqualTo(StepState.FAILED);
      assertThat(apply.error()).contains("args.manifest.metadata.name", "rule dns-1123-subdomain");
      assertThat(apply.callHash()).as("never offered for approval").isNull();
    }
    StepView namespace =
        task.propose(
            new ToolCall(
                "k8s.apply",
                Map.of(
                    "manifest",
                    Map.of(
                        "apiVersion",
                        "v1",
                        "kind",
                        "ConfigMap",
                        "metadata",
                        Map.of("name", "flags", "namespace", "shop/configmaps/web-config#"),
                        "data",
                        Map.of("k", "v")))));
    assertThat(namespace.state()).isEqualTo(StepState.FAILED);
    assertThat(namespace.error())
        .contains("args.manifest.metadata.namespace", "rule dns-1123-label");
    h.assertMutations(0);
  }
}
