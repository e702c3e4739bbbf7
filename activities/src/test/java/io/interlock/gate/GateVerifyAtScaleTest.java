package io.interlock.gate;

import static io.interlock.gate.GateHarness.awaitState;
import static io.interlock.gate.GateHarness.awaitStep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Verifying steps hold no worker slot while they wait: many verify at once on a small worker. */
class GateVerifyAtScaleTest {
  private static final int SLOTS = 2;
  private static final int TASKS = 12;

  @AutoClose private final GateHarness h = GateHarness.withActivitySlots(SLOTS);

  @Test
  @DisplayName(
      "given a worker with 2 activity slots, 12 approved writes all verify at once (12 verify activities STARTED on the server), and each ends VERIFIED once its pods are ready")
  void manyVerifyAtOnceOnFewSlots() {
    KubernetesClient k8s = h.cluster.client();
    for (int i = 0; i < TASKS; i++) {
      // Pods of this image never pass readiness: no verification can end until the test says so.
      k8s.apps()
          .deployments()
          .inNamespace("shop")
          .resource(
              new DeploymentBuilder()
                  .withNewMetadata()
                  .withName(name(i))
                  .endMetadata()
                  .withNewSpec()
                  .withReplicas(1)
                  .withProgressDeadlineSeconds(3600)
                  .withNewSelector()
                  .addToMatchLabels("app", name(i))
                  .endSelector()
                  .withNewTemplate()
                  .withNewMetadata()
                  .addToLabels("app", name(i))
                  .endMetadata()
                  .withNewSpec()
                  .addNewContainer()
                  .withName("app")
                  .withImage("registry.local/slow:neverready")
                  .endContainer()
                  .endSpec()
                  .endTemplate()
                  .endSpec()
                  .build())
          .create();
    }
    List<AgentTask> tasks = new ArrayList<>();
    List<StepView> steps = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      AgentTask task = h.start("agent:bot", "staging");
      StepView s =
          task.propose(
              new ToolCall(
                  "k8s.scale",
                  Map.of(
                      "namespace", "shop", "kind", "Deployment", "name", name(i), "replicas", 2)));
      assertThat(s.state()).isEqualTo(StepState.AWAITING_APPROVAL);
      tasks.add(task);
      steps.add(s);
    }
    long before = h.mutations();
    for (int i = 0; i < TASKS; i++) {
      GateHarness.approve(tasks.get(i), steps.get(i), "alice");
    }
    for (int i = 0; i < TASKS; i++) {
      awaitState(tasks.get(i), steps.get(i).stepId(), StepState.VERIFYING);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(startedVerifications(tasks)).isEqualTo(TASKS));
    assertThat(h.mutations() - before).as("one scale per approved step").isEqualTo(TASKS);

    for (int i = 0; i < TASKS; i++) {
      String app = name(i);
      // Both pods exist (the scale's new one included) before they are made ready.
      k8s.apps()
          .deployments()
          .inNamespace("shop")
          .withName(app)
          .waitUntilCondition(
              d -> d.getStatus() != null && Integer.valueOf(2).equals(d.getStatus().getReplicas()),
              1,
              TimeUnit.MINUTES);
      k8s.pods().inNamespace("shop").withLabel("app", app).list().getItems().stream()
          .forEach(
              p ->
                  // A merge patch without resourceVersion: the controller writes pods all the time.
                  k8s.pods()
                      .inNamespace("shop")
                      .withName(p.getMetadata().getName())
                      .patch(
                          PatchContext.of(PatchType.JSON_MERGE),
                          "{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"registry.local/slow:1\"}]}}"));
    }
    for (int i = 0; i < TASKS; i++) {
      StepView done = awaitStep(tasks.get(i), steps.get(i).stepId(), v -> v.state().isFinal());
      assertThat(done.state()).as(done.toString()).isEqualTo(StepState.VERIFIED);
    }
    assertThat(h.replicas(name(0))).isEqualTo(2);
  }

  /** How many of the tasks have a verify activity that a worker has started and not finished. */
  private long startedVerifications(List<AgentTask> tasks) {
    return tasks.stream()
        .filter(
            t ->
                h
                    .env
                    .getWorkflowClient()
                    .getWorkflowServiceStubs()
                    .blockingStub()
                    .describeWorkflowExecution(
                        DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace(h.env.getNamespace())
                            .setExecution(
                                WorkflowExecution.newBuilder()
                                    .setWorkflowId(
                                        WorkflowStub.fromTyped(t).getExecution().getWorkflowId()))
                            .build())
                    .getPendingActivitiesList()
                    .stream()
                    .anyMatch(
                        a ->
                            a.getActivityType().getName().equals("Verify")
                                && a.getState()
                                    == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED))
        .count();
  }

  private static String name(int i) {
    return "slow-" + i;
  }
}
