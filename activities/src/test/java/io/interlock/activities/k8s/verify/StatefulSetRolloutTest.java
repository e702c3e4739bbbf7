package io.interlock.activities.k8s.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.Observation.Status;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RolloutStatus of a StatefulSet follows kubectl rollout status")
class StatefulSetRolloutTest {
  StatefulSetBuilder sts(int replicas, int ready, int updated, String current, String update) {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName("db")
        .withGeneration(2L)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewUpdateStrategy()
        .withType("RollingUpdate")
        .endUpdateStrategy()
        .endSpec()
        .withNewStatus()
        .withObservedGeneration(2L)
        .withReadyReplicas(ready)
        .withUpdatedReplicas(updated)
        .withCurrentReplicas(ready)
        .withCurrentRevision(current)
        .withUpdateRevision(update)
        .endStatus();
  }

  @Test
  @DisplayName("given current and update revisions equal and all ready, should be REACHED")
  void complete() {
    assertThat(RolloutStatus.statefulSet(sts(3, 3, 3, "db-2", "db-2").build()).status())
        .isEqualTo(Status.REACHED);
  }

  @Test
  @DisplayName("given pods not ready, should be PROGRESSING")
  void notReady() {
    Observation o = RolloutStatus.statefulSet(sts(3, 2, 3, "db-2", "db-2").build());
    assertThat(o.status()).isEqualTo(Status.PROGRESSING);
    assertThat(o.evidence().get(0)).contains("Waiting for 1 pods");
  }

  @Test
  @DisplayName("given the update revision differs from the current one, should be PROGRESSING")
  void revisionsDiffer() {
    Observation o = RolloutStatus.statefulSet(sts(3, 3, 1, "db-1", "db-2").build());
    assertThat(o.status()).isEqualTo(Status.PROGRESSING);
    assertThat(o.evidence().get(0)).contains("rolling update to complete", "db-2");
  }

  @Test
  @DisplayName("given a partition, should be REACHED once the pods above it are updated")
  void partitioned() {
    StatefulSet waiting =
        sts(4, 4, 1, "db-1", "db-2")
            .editSpec()
            .editUpdateStrategy()
            .withNewRollingUpdate()
            .withPartition(2)
            .endRollingUpdate()
            .endUpdateStrategy()
            .endSpec()
            .build();
    StatefulSet done =
        sts(4, 4, 2, "db-1", "db-2")
            .editSpec()
            .editUpdateStrategy()
            .withNewRollingUpdate()
            .withPartition(2)
            .endRollingUpdate()
            .endUpdateStrategy()
            .endSpec()
            .build();
    assertThat(RolloutStatus.statefulSet(waiting).status()).isEqualTo(Status.PROGRESSING);
    assertThat(RolloutStatus.statefulSet(done).status()).isEqualTo(Status.REACHED);
    assertThat(RolloutStatus.statefulSet(done).evidence().get(0)).contains("partitioned roll out");
  }
}
