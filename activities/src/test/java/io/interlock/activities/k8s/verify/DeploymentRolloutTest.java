package io.interlock.activities.k8s.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.Observation.Status;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RolloutStatus of a Deployment follows kubectl rollout status")
class DeploymentRolloutTest {

  static DeploymentBuilder deployment(int replicas, long generation, long observed) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("web")
        .withGeneration(generation)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .endSpec()
        .withNewStatus()
        .withObservedGeneration(observed)
        .endStatus();
  }

  static Deployment counts(int replicas, int statusReplicas, int updated, int available) {
    return deployment(replicas, 2, 2)
        .editStatus()
        .withReplicas(statusReplicas)
        .withUpdatedReplicas(updated)
        .withAvailableReplicas(available)
        .endStatus()
        .build();
  }

  @Test
  @DisplayName("given every replica updated and available, should be REACHED")
  void complete() {
    Observation o = RolloutStatus.deployment(counts(3, 3, 3, 3));
    assertThat(o.status()).isEqualTo(Status.REACHED);
    assertThat(o.evidence()).anySatisfy(e -> assertThat(e).contains("successfully rolled out"));
  }

  @Test
  @DisplayName(
      "given observedGeneration behind generation, should be PROGRESSING waiting for the spec update")
  void generationNotObserved() {
    Observation o =
        RolloutStatus.deployment(
            deployment(3, 3, 2)
                .editStatus()
                .withReplicas(3)
                .withUpdatedReplicas(3)
                .withAvailableReplicas(3)
                .endStatus()
                .build());
    assertThat(o.status()).isEqualTo(Status.PROGRESSING);
    assertThat(o.evidence().get(0)).contains("spec update to be observed");
  }

  @Test
  @DisplayName("given Progressing=False with ProgressDeadlineExceeded, should be FAILED")
  void progressDeadlineExceeded() {
    Deployment d =
        deployment(3, 2, 2)
            .editStatus()
            .withReplicas(4)
            .withUpdatedReplicas(1)
            .withAvailableReplicas(3)
            .withConditions(
                new DeploymentConditionBuilder()
                    .withType("Progressing")
                    .withStatus("False")
                    .withReason("ProgressDeadlineExceeded")
                    .withMessage("ReplicaSet \"web-2\" has timed out progressing.")
                    .build())
            .endStatus()
            .build();
    Observation o = RolloutStatus.deployment(d);
    assertThat(o.status()).isEqualTo(Status.FAILED);
    assertThat(o.evidence().get(0))
        .contains("exceeded its progress deadline", "timed out progressing");
  }

  @Test
  @DisplayName(
      "given fewer updated replicas than desired, should be PROGRESSING with kubectl's message")
  void updatingReplicas() {
    Observation o = RolloutStatus.deployment(counts(3, 3, 1, 3));
    assertThat(o.status()).isEqualTo(Status.PROGRESSING);
    assertThat(o.evidence().get(0)).contains("1 out of 3 new replicas have been updated");
  }

  @Test
  @DisplayName("given old replicas still terminating, should be PROGRESSING")
  void oldReplicasPendingTermination() {
    Observation o = RolloutStatus.deployment(counts(3, 4, 3, 3));
    assertThat(o.status()).isEqualTo(Status.PROGRESSING);
    assertThat(o.evidence().get(0)).contains("1 old replicas are pending termination");
  }

  @Test
  @DisplayName("given updated replicas not yet available, should be PROGRESSING")
  void notAvailable() {
    Observation o = RolloutStatus.deployment(counts(3, 3, 3, 2));
    assertThat(o.status()).isEqualTo(Status.PROGRESSING);
    assertThat(o.evidence().get(0)).contains("2 of 3 updated replicas are available");
  }

  @Test
  @DisplayName("given a paused Deployment mid-rollout, should be FAILED saying it is paused")
  void pausedMidRollout() {
    Deployment d = counts(3, 4, 1, 3);
    d.getSpec().setPaused(true);
    Observation o = RolloutStatus.deployment(d);
    assertThat(o.status()).isEqualTo(Status.FAILED);
    assertThat(o.evidence().get(0)).contains("is paused");
  }

  @Test
  @DisplayName(
      "given a paused Deployment that is fully rolled out, should be REACHED with a warning")
  void pausedButComplete() {
    Deployment d = counts(3, 3, 3, 3);
    d.getSpec().setPaused(true);
    Observation o = RolloutStatus.deployment(d);
    assertThat(o.status()).isEqualTo(Status.REACHED);
    assertThat(o.warnings()).containsExactly("deployment \"web\" is paused");
  }

  @Test
  @DisplayName("given no status at all, should not be REACHED: no data is never success")
  void noStatus() {
    Deployment d =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("web")
            .withGeneration(1L)
            .endMetadata()
            .withNewSpec()
            .withReplicas(1)
            .endSpec()
            .build();
    assertThat(RolloutStatus.deployment(d).status()).isEqualTo(Status.PROGRESSING);
  }
}
