package io.interlock.activities.k8s.verify;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.interlock.activities.tools.Observation;
import java.util.List;

/**
 * The rules of {@code kubectl rollout status} (kubectl's DeploymentStatusViewer,
 * StatefulSetStatusViewer, DaemonSetStatusViewer) as pure functions over one object with status.
 */
public final class RolloutStatus {
  private RolloutStatus() {}

  public static Observation deployment(Deployment d) {
    String name = "deployment \"" + d.getMetadata().getName() + "\"";
    DeploymentStatus s = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    boolean paused = Boolean.TRUE.equals(d.getSpec().getPaused());
    long generation = n(d.getMetadata().getGeneration());
    if (s.getObservedGeneration() == null || generation > s.getObservedGeneration()) {
      return paused
          ? Observation.failed(
              name
                  + " is paused and its spec update was not observed: it will not progress until resumed")
          : Observation.progressing(
              "Waiting for "
                  + name
                  + " spec update to be observed (generation "
                  + generation
                  + ", observed "
                  + s.getObservedGeneration()
                  + ")");
    }
    DeploymentCondition progressing = condition(s.getConditions(), "Progressing");
    if (progressing != null && "ProgressDeadlineExceeded".equals(progressing.getReason())) {
      return Observation.failed(
          name + " exceeded its progress deadline: " + progressing.getMessage());
    }
    int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    int updated = n(s.getUpdatedReplicas());
    int replicas = n(s.getReplicas());
    int available = n(s.getAvailableReplicas());
    String pending = null;
    if (updated < want) {
      pending =
          "Waiting for "
              + name
              + " rollout to finish: "
              + updated
              + " out of "
              + want
              + " new replicas have been updated";
    } else if (replicas > updated) {
      pending =
          "Waiting for "
              + name
              + " rollout to finish: "
              + (replicas - updated)
              + " old replicas are pending termination";
    } else if (available < updated) {
      pending =
          "Waiting for "
              + name
              + " rollout to finish: "
              + available
              + " of "
              + updated
              + " updated replicas are available";
    }
    if (pending != null) {
      return paused
          ? Observation.failed(
              name + " is paused mid-rollout: it will not progress until resumed; " + pending)
          : Observation.progressing(pending);
    }
    String done = name + " successfully rolled out (" + available + "/" + want + " available)";
    return paused
        ? new Observation(Observation.Status.REACHED, List.of(done), List.of(name + " is paused"))
        : Observation.reached(done);
  }

  public static Observation statefulSet(StatefulSet sts) {
    String name = "statefulset \"" + sts.getMetadata().getName() + "\"";
    StatefulSetStatus s = sts.getStatus() == null ? new StatefulSetStatus() : sts.getStatus();
    var strategy = sts.getSpec().getUpdateStrategy();
    boolean rolling =
        strategy == null
            || strategy.getType() == null
            || "RollingUpdate".equals(strategy.getType());
    long generation = n(sts.getMetadata().getGeneration());
    if (s.getObservedGeneration() == null
        || s.getObservedGeneration() == 0
        || generation > s.getObservedGeneration()) {
      return Observation.progressing("Waiting for " + name + " spec update to be observed");
    }
    int want = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
    int ready = n(s.getReadyReplicas());
    if (ready < want) {
      return Observation.progressing(
          "Waiting for "
              + (want - ready)
              + " pods of "
              + name
              + " to be ready ("
              + ready
              + "/"
              + want
              + ")");
    }
    if (!rolling) {
      return new Observation(
          Observation.Status.REACHED,
          List.of(name + ": " + ready + "/" + want + " pods ready"),
          List.of(
              name
                  + " uses the "
                  + strategy.getType()
                  + " strategy: pods take the new template only when deleted"));
    }
    Integer partition =
        strategy == null || strategy.getRollingUpdate() == null
            ? null
            : strategy.getRollingUpdate().getPartition();
    if (partition != null && partition > 0) {
      int updated = n(s.getUpdatedReplicas());
      if (updated < want - partition) {
        return Observation.progressing(
            "Waiting for partitioned roll out of "
                + name
                + " to finish: "
                + updated
                + " out of "
                + (want - partition)
                + " new pods have been updated");
      }
      return Observation.reached(
          "partitioned roll out of "
              + name
              + " complete: "
              + updated
              + " new pods have been updated");
    }
    if (s.getUpdateRevision() == null || !s.getUpdateRevision().equals(s.getCurrentRevision())) {
      return Observation.progressing(
          "waiting for "
              + name
              + " rolling update to complete "
              + n(s.getUpdatedReplicas())
              + " pods at revision "
              + s.getUpdateRevision());
    }
    return Observation.reached(
        name
            + " rolling update complete "
            + n(s.getCurrentReplicas())
            + " pods at revision "
            + s.getCurrentRevision());
  }

  public static Observation daemonSet(DaemonSet ds) {
    String name = "daemon set \"" + ds.getMetadata().getName() + "\"";
    DaemonSetStatus s = ds.getStatus() == null ? new DaemonSetStatus() : ds.getStatus();
    var strategy = ds.getSpec().getUpdateStrategy();
    if (strategy != null
        && strategy.getType() != null
        && !"RollingUpdate".equals(strategy.getType())) {
      return new Observation(
          Observation.Status.REACHED,
          List.of(
              name
                  + ": "
                  + n(s.getNumberAvailable())
                  + " of "
                  + n(s.getDesiredNumberScheduled())
                  + " pods available"),
          List.of(
              name
                  + " uses the "
                  + strategy.getType()
                  + " strategy: pods take the new template only when deleted"));
    }
    long generation = n(ds.getMetadata().getGeneration());
    if (s.getObservedGeneration() == null || generation > s.getObservedGeneration()) {
      return Observation.progressing("Waiting for " + name + " spec update to be observed");
    }
    int desired = n(s.getDesiredNumberScheduled());
    int updated = n(s.getUpdatedNumberScheduled());
    int available = n(s.getNumberAvailable());
    if (updated < desired) {
      return Observation.progressing(
          "Waiting for "
              + name
              + " rollout to finish: "
              + updated
              + " out of "
              + desired
              + " new pods have been updated");
    }
    if (available < desired) {
      return Observation.progressing(
          "Waiting for "
              + name
              + " rollout to finish: "
              + available
              + " of "
              + desired
              + " updated pods are available");
    }
    return Observation.reached(
        name + " successfully rolled out (" + available + "/" + desired + " available)");
  }

  static DeploymentCondition condition(List<DeploymentCondition> conditions, String type) {
    return conditions == null
        ? null
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }

  private static long n(Long l) {
    return l == null ? 0 : l;
  }
}
