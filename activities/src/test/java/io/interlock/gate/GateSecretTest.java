package io.interlock.gate;

import static io.interlock.gate.GateHarness.approve;
import static io.interlock.gate.GateHarness.awaitStep;
import static io.interlock.gate.GateHarness.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Secret values reach the cluster by reference only: the audit (the Temporal history) never holds
 * one.
 */
class GateSecretTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @AutoClose private final GateHarness h = new GateHarness();
  private final String value = "hunter2-" + UUID.randomUUID();
  private final String valueBase64 =
      Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));

  private static Map<String, Object> secret(String field, Object values) {
    return Map.of(
        "apiVersion",
        "v1",
        "kind",
        "Secret",
        "metadata",
        Map.of("name", "db-credentials", "namespace", "shop"),
        field,
        values);
  }

  /** Every text of the exported history, each Temporal payload (base64 JSON) decoded as well. */
  private String historyText(AgentTask task) throws Exception {
    String id = WorkflowStub.fromTyped(task).getExecution().getWorkflowId();
    StringBuilder out = new StringBuilder();
    collect(JSON.readTree(h.client.fetchHistory(id).toJson(true)), out);
    return out.toString();
  }

  private static void collect(JsonNode node, StringBuilder out) {
    if (node.isTextual()) {
      out.append(node.asText()).append('\n');
      try {
        out.append(new String(Base64.getDecoder().decode(node.asText()), StandardCharsets.UTF_8))
            .append('\n');
      } catch (IllegalArgumentException notBase64) {
        // Plain text, already collected.
      }
    }
    node.forEach(child -> collect(child, out));
  }

  @Test
  @DisplayName(
      "given a Secret applied by reference and approved, the API server holds the real value; the history, the audit and the StepView hold only the reference")
  void secretByReference() throws Exception {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s =
        task.propose(
            new ToolCall(
                "k8s.apply",
                Map.of(
                    "manifest",
                    secret("data", Map.of("password", h.secretRef("db-password", value))))));
    assertThat(s.state()).as(s.error()).isEqualTo(StepState.AWAITING_APPROVAL);
    assertThat(s.preview().target().sources())
        .as("the approval binds the value by a keyed digest")
        .containsOnlyKeys("secretRef gate/db-password");

    approve(task, s, "alice");
    StepView done = awaitStep(task, s.stepId(), v -> v.state().isFinal());

    assertThat(done.state()).as(done.error()).isEqualTo(StepState.VERIFIED);
    assertThat(
            h.cluster
                .client()
                .secrets()
                .inNamespace("shop")
                .withName("db-credentials")
                .get()
                .getData())
        .containsEntry("password", valueBase64);
    h.assertMutations(1);
    String history = historyText(task);
    assertThat(history)
        .as("the history holds the reference")
        .contains("\"secretRef\"", "db-password");
    assertThat(history).as("the history never holds the value").doesNotContain(value, valueBase64);
    assertThat(JSON.writeValueAsString(task.status()) + JSON.writeValueAsString(task.audit()))
        .doesNotContain(value, valueBase64);
  }

  @Test
  @DisplayName(
      "given literal Secret values in apply, patch or diff, propose is refused naming the rule, the value is never stored, nothing mutates, and the task keeps working")
  void literalsRefusedBeforeStored() throws Exception {
    AgentTask task = h.start("agent:bot", "staging");
    List<ToolCall> literal =
        List.of(
            new ToolCall(
                "k8s.apply", Map.of("manifest", secret("data", Map.of("password", valueBase64)))),
            new ToolCall(
                "k8s.apply", Map.of("manifest", secret("stringData", Map.of("password", value)))),
            new ToolCall(
                "k8s.apply",
                Map.of(
                    "manifest",
                    "apiVersion: v1\nkind: Secret\nmetadata: {name: x, namespace: shop}\nstringData: {password: "
                        + value
                        + "}\n")),
            new ToolCall(
                "k8s.patch",
                Map.of(
                    "kind",
                    "Secret",
                    "namespace",
                    "shop",
                    "name",
                    "api-credentials",
                    "patch",
                    Map.of("stringData", Map.of("password", value)))),
            new ToolCall(
                "k8s.diff", Map.of("manifest", secret("stringData", Map.of("password", value)))));
    for (ToolCall call : literal) {
      assertThatThrownBy(() -> task.propose(call))
          .as("%s", call.tool())
          .isInstanceOf(WorkflowUpdateException.class)
          .rootCause()
          .hasMessageContaining("rule secret.by-reference")
          .hasMessageNotContaining(value);
    }
    assertThat(task.propose(get("web")).state()).isEqualTo(StepState.SUCCEEDED);
    assertThat(task.status().steps()).as("no refused call became a step").hasSize(1);
    assertThat(historyText(task)).doesNotContain(value, valueBase64);

    AgentTask planned =
        h.start(new TaskRequest("agent:bot", "staging", "rotate", List.of(literal.get(1))));
    assertThatThrownBy(
            () -> WorkflowStub.fromTyped(planned).getResult(10, TimeUnit.SECONDS, Map.class))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .hasMessageContaining(
            "steps[0].args.manifest.stringData.password", "rule secret.by-reference")
        .hasMessageNotContaining(value);
    h.assertMutations(0);
  }
}
