package io.interlock.gate;

import static io.interlock.gate.GateHarness.approve;
import static io.interlock.gate.GateHarness.awaitStep;
import static io.interlock.gate.GateHarness.setImage;
import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A rollout-undo runs the revision template its approvers saw, or nothing. */
class GateRolloutUndoTest {
  @AutoClose private final GateHarness h = new GateHarness();
  private AgentTask task;

  /** shop/web at revision 2 (nginx:1.26), with revision 1 (nginx:1.25) recorded. */
  @BeforeEach
  void twoRevisions() {
    task = h.start("agent:bot", "staging");
    StepView s = task.propose(setImage("web", "nginx:1.26"));
    approve(task, s, "alice");
    assertThat(awaitStep(task, s.stepId(), v -> v.state().isFinal()).state())
        .isEqualTo(StepState.VERIFIED);
  }

  private StepView proposeUndoToRevision1() {
    StepView undo =
        task.propose(
            new ToolCall(
                "k8s.rollout-undo", Map.of("namespace", "shop", "name", "web", "toRevision", 1)));
    assertThat(undo.state()).as(undo.error()).isEqualTo(StepState.AWAITING_APPROVAL);
    assertThat(undo.preview().target().sources())
        .as("the approval binds the revision's template")
        .containsOnlyKeys("revision 1 template");
    return undo;
  }

  @Test
  @DisplayName(
      "given an approved undo to revision 1 whose ReplicaSet template was edited after approval, execution is refused TARGET_CHANGED and nothing mutates")
  void editedRevisionRefused() {
    StepView undo = proposeUndoToRevision1();
    var revision1 =
        h.cluster.client().apps().replicaSets().inNamespace("shop").list().getItems().stream()
            .filter(
                rs ->
                    "1"
                        .equals(
                            rs.getMetadata()
                                .getAnnotations()
                                .get("deployment.kubernetes.io/revision")))
            .filter(rs -> rs.getMetadata().getName().startsWith("web-"))
            .findFirst()
            .orElseThrow();
    h.cluster
        .client()
        .apps()
        .replicaSets()
        .inNamespace("shop")
        .withName(revision1.getMetadata().getName())
        .edit(
            rs -> {
              rs.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .setImage("registry.example/evil:1");
              return rs;
            });
    long beforeExecution = h.mutations();

    approve(task, undo, "bob");
    StepView done = awaitStep(task, undo.stepId(), v -> v.state().isFinal());

    assertThat(done.state()).isEqualTo(StepState.FAILED);
    assertThat(done.error())
        .contains("TARGET_CHANGED", "revision 1 template", "propose the step again");
    h.assertMutations(beforeExecution);
    assertThat(h.image("web")).isEqualTo("nginx:1.26");
  }

  @Test
  @DisplayName(
      "given an approved undo to revision 1 whose template is unchanged, it executes once and restores nginx:1.25")
  void unchangedRevisionExecutes() {
    StepView undo = proposeUndoToRevision1();
    long beforeExecution = h.mutations();

    approve(task, undo, "bob");
    StepView done = awaitStep(task, undo.stepId(), v -> v.state().isFinal());

    assertThat(done.state()).as(done.error()).isEqualTo(StepState.VERIFIED);
    h.assertMutations(beforeExecution + 1);
    assertThat(h.image("web")).isEqualTo("nginx:1.25");
  }
}
