package io.interlock.activities.k8s.verify;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.interlock.activities.tools.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the pods of a workload say beyond its status counters: stuck containers fail the
 * verification, restarts lower confidence, not-ready pods are evidence.
 */
public record PodEvidence(List<String> failures, List<String> warnings, List<String> notes) {
  /** Waiting reasons that will not resolve by waiting longer. */
  static final Set<String> STUCK =
      Set.of(
          "CrashLoopBackOff",
          "ImagePullBackOff",
          "ErrImagePull",
          "InvalidImageName",
          "CreateContainerConfigError",
          "CreateContainerError",
          "RunContainerError");

  public static PodEvidence of(List<Pod> pods) {
    List<String> failures = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    int ready = 0;
    for (Pod pod : pods) {
      String name = "pod " + pod.getMetadata().getName();
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        notes.add(name + " is terminating");
        continue;
      }
      List<ContainerStatus> statuses = new ArrayList<>();
      if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
        statuses.addAll(pod.getStatus().getContainerStatuses());
      }
      if (pod.getStatus() != null && pod.getStatus().getInitContainerStatuses() != null) {
        statuses.addAll(pod.getStatus().getInitContainerStatuses());
      }
      for (ContainerStatus c : statuses) {
        var waiting = c.getState() == null ? null : c.getState().getWaiting();
        if (waiting != null && STUCK.contains(waiting.getReason())) {
          failures.add(
              name
                  + " container "
                  + c.getName()
                  + ": "
                  + waiting.getReason()
                  + (waiting.getMessage() == null ? "" : " (" + waiting.getMessage() + ")")
                  + " image "
                  + c.getImage());
        }
        if (c.getRestartCount() != null && c.getRestartCount() > 0) {
          warnings.add(
              name + " container " + c.getName() + " restarted " + c.getRestartCount() + " times");
        }
      }
      if (isReady(pod)) {
        ready++;
      } else {
        String phase = pod.getStatus() == null ? "Unknown" : pod.getStatus().getPhase();
        notes.add(name + " is not ready (phase " + phase + ")");
      }
    }
    notes.add(0, ready + "/" + pods.size() + " selected pods ready");
    return new PodEvidence(failures, warnings, notes);
  }

  static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The workload's own verdict refined by its pods: a stuck pod fails it, restarts warn. */
  public Observation refine(Observation workload) {
    List<String> evidence = new ArrayList<>(workload.evidence());
    List<String> warn = new ArrayList<>(workload.warnings());
    warn.addAll(warnings);
    if (!failures.isEmpty()) {
      evidence.addAll(failures);
      evidence.addAll(notes);
      return new Observation(Observation.Status.FAILED, evidence, warn);
    }
    evidence.addAll(notes);
    return new Observation(workload.status(), evidence, warn);
  }
}
