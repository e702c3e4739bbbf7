package io.interlock.activities.k8s.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.Observation.Status;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RolloutStatus of a DaemonSet follows kubectl rollout status")
class DaemonSetRolloutTest {
  DaemonSet ds(int desired, int updated, int available) {
    return new DaemonSetBuilder()
        .withNewMetadata()
        .withName("agent")
        .withGeneration(3L)
        .endMetadata()
        .withNewSpec()
        .endSpec()
        .withNewStatus()
        .withObservedGeneration(3L)
        .withDesiredNumberScheduled(desired)
        .withUpdatedNumberScheduled(updated)
        .withNumberAvailable(available)
        .endStatus()
        .build();
  }

  @Test
  @DisplayName("given fewer updated than desired pods, should be PROGRESSING")
  void updating() {
    Observation o = RolloutStatus.daemonSet(ds(3, 1, 3));
    assertThat(o.status()).isEqualTo(Status.PROGRESSING);
    assertThat(o.evidence().get(0)).contains("1 out of 3 new pods have been updated");
  }

  @Test
  @DisplayName("given fewer available than desired pods, should be PROGRESSING")
  void notAvailable() {
    assertThat(RolloutStatus.daemonSet(ds(3, 3, 2)).evidence().get(0))
        .contains("2 of 3 updated pods are available");
  }

  @Test
  @DisplayName("given all pods updated and available, should be REACHED")
  void complete() {
    assertThat(RolloutStatus.daemonSet(ds(3, 3, 3)).status()).isEqualTo(Status.REACHED);
  }
}
