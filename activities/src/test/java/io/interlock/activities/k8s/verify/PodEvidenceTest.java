package io.interlock.activities.k8s.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.Observation.Status;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PodEvidence refines a rollout verdict with what the pods say")
class PodEvidenceTest {

  static Pod pod(String name, boolean ready, int restarts, String waitingReason) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewStatus()
            .withPhase(ready ? "Running" : "Pending")
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .addNewContainerStatus()
            .withName("web")
            .withImage("web:2")
            .withRestartCount(restarts)
            .withReady(ready)
            .withNewState()
            .endState()
            .endContainerStatus()
            .endStatus();
    Pod p = b.build();
    if (waitingReason != null) {
      p.getStatus()
          .getContainerStatuses()
          .get(0)
          .getState()
          .setWaiting(
              new io.fabric8.kubernetes.api.model.ContainerStateWaitingBuilder()
                  .withReason(waitingReason)
                  .withMessage("back-off 5m0s restarting failed container")
                  .build());
    }
    return p;
  }

  @Test
  @DisplayName(
      "given a crash-looping pod, should turn a progressing rollout into FAILED naming the pod and reason")
  void crashLoopFails() {
    Observation o =
        PodEvidence.of(
                List.of(pod("web-1", true, 0, null), pod("web-2", false, 4, "CrashLoopBackOff")))
            .refine(Observation.progressing("Waiting for rollout"));

    assertThat(o.status()).isEqualTo(Status.FAILED);
    assertThat(o.evidence())
        .anySatisfy(e -> assertThat(e).contains("pod web-2", "CrashLoopBackOff"));
    assertThat(o.warnings()).anySatisfy(w -> assertThat(w).contains("web-2", "restarted 4 times"));
  }

  @Test
  @DisplayName("given ImagePullBackOff or ErrImagePull, should be FAILED")
  void imagePullFails() {
    assertThat(
            PodEvidence.of(List.of(pod("web-1", false, 0, "ImagePullBackOff")))
                .refine(Observation.progressing("x"))
                .status())
        .isEqualTo(Status.FAILED);
    assertThat(
            PodEvidence.of(List.of(pod("web-1", false, 0, "ErrImagePull")))
                .refine(Observation.progressing("x"))
                .status())
        .isEqualTo(Status.FAILED);
  }

  @Test
  @DisplayName(
      "given restarts behind ready pods, should keep REACHED but add a warning (MEDIUM confidence)")
  void restartsWarn() {
    Observation o =
        PodEvidence.of(List.of(pod("web-1", true, 2, null)))
            .refine(Observation.reached("rolled out"));

    assertThat(o.status()).isEqualTo(Status.REACHED);
    assertThat(o.warnings()).containsExactly("pod web-1 container web restarted 2 times");
  }

  @Test
  @DisplayName("given a pod not ready, should record it as evidence")
  void notReadyIsEvidence() {
    Observation o =
        PodEvidence.of(List.of(pod("web-1", true, 0, null), pod("web-2", false, 0, null)))
            .refine(Observation.progressing("waiting"));

    assertThat(o.status()).isEqualTo(Status.PROGRESSING);
    assertThat(o.evidence())
        .contains("1/2 selected pods ready", "pod web-2 is not ready (phase Pending)");
  }
}
