package io.interlock.gate;

import static io.interlock.gate.GateHarness.scale;
import static io.interlock.gate.GateHarness.setImage;
import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * An idempotent write whose answer was lost is retried, finds its own change and is recorded as
 * executed.
 */
class GateLostAnswerTest {
  @AutoClose
  private final GateHarness h = new GateHarness((environment, real) -> new LostAnswer(real));

  @Test
  @DisplayName(
      "a scale whose first answer was lost is recognised on retry: executed once, verified, not TARGET_CHANGED")
  void lostAnswerRecognised() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s = task.propose(scale("web", 5));
    GateHarness.approve(task, s, "bob");
    StepView done = GateHarness.awaitStep(task, s.stepId(), v -> v.state().isFinal());
    assertThat(done.state()).as("state; error: %s", done.error()).isEqualTo(StepState.VERIFIED);
    assertThat(done.result().path("recognisedOwnWrite").asBoolean()).isTrue();
    assertThat(h.replicas("web")).isEqualTo(5);
    h.assertMutations(1);
  }

  @Test
  @DisplayName(
      "someone else's change after approval is still TARGET_CHANGED, never taken for the engine's own")
  void foreignChangeStillRefused() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s = task.propose(setImage("web", "shop/web:2.0"));
    h.cluster
        .client()
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("web")
        .edit(
            d -> {
              d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("shop/web:evil");
              d.getMetadata()
                  .setAnnotations(
                      new java.util.HashMap<>(
                          java.util.Map.of("interlock.dev/last-call", "sha256:other")));
              return d;
            });
    GateHarness.approve(task, s, "bob");
    StepView done = GateHarness.awaitStep(task, s.stepId(), v -> v.state().isFinal());
    assertThat(done.state()).isEqualTo(StepState.FAILED);
    assertThat(done.error()).contains("target changed since approval");
    assertThat(h.image("web")).isEqualTo("shop/web:evil");
    h.assertMutations(1);
  }

  @Test
  @DisplayName(
      "an apply that created a ConfigMap but lost its answer is recognised on retry: created once, verified")
  void lostApplyAnswerRecognised() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s =
        task.propose(
            new io.interlock.contract.commands.ToolCall(
                "k8s.apply",
                java.util.Map.of(
                    "manifest",
                    java.util.Map.of(
                        "apiVersion",
                        "v1",
                        "kind",
                        "ConfigMap",
                        "metadata",
                        java.util.Map.of("name", "lost", "namespace", "shop"),
                        "data",
                        java.util.Map.of("mode", "on")))));
    GateHarness.approve(task, s, "bob");
    StepView done = GateHarness.awaitStep(task, s.stepId(), v -> v.state().isFinal());
    assertThat(done.state()).as("state; error: %s", done.error()).isEqualTo(StepState.VERIFIED);
    assertThat(done.result().path("recognisedOwnWrite").asBoolean()).isTrue();
    assertThat(done.result().path("created").asBoolean()).isTrue();
    h.assertMutations(1);
  }
}
