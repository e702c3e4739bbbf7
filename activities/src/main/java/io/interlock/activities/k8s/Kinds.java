package io.interlock.activities.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.values.FailureType;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The kinds the catalog acts on, looked up by name, plural or short name (as kubectl does). */
public final class Kinds {
  private static final Map<String, Kind> BY_NAME = new LinkedHashMap<>();
  private static final Map<String, Kind> ALIASES = new LinkedHashMap<>();

  static {
    add("Deployment", "apps/v1", Deployment.class, true, "deploy");
    add("StatefulSet", "apps/v1", StatefulSet.class, true, "sts");
    add("DaemonSet", "apps/v1", DaemonSet.class, true, "ds");
    add("ReplicaSet", "apps/v1", ReplicaSet.class, true, "rs");
    add("ControllerRevision", "apps/v1", ControllerRevision.class, true);
    add("Pod", "v1", Pod.class, true, "po");
    add("Service", "v1", Service.class, true, "svc");
    add("ConfigMap", "v1", ConfigMap.class, true, "cm");
    add("Secret", "v1", Secret.class, true);
    add("ServiceAccount", "v1", ServiceAccount.class, true, "sa");
    add("PersistentVolumeClaim", "v1", PersistentVolumeClaim.class, true, "pvc");
    add("Event", "v1", Event.class, true, "ev");
    add("Namespace", "v1", Namespace.class, false, "ns");
    add("Node", "v1", Node.class, false, "no");
    add("Job", "batch/v1", Job.class, true);
    add("CronJob", "batch/v1", CronJob.class, true, "cj");
    add("Ingress", "networking.k8s.io/v1", Ingress.class, true, "ing");
    add("NetworkPolicy", "networking.k8s.io/v1", NetworkPolicy.class, true, "netpol");
    add("HorizontalPodAutoscaler", "autoscaling/v2", HorizontalPodAutoscaler.class, true, "hpa");
    add("PodDisruptionBudget", "policy/v1", PodDisruptionBudget.class, true, "pdb");
    add("Role", "rbac.authorization.k8s.io/v1", Role.class, true);
    add("RoleBinding", "rbac.authorization.k8s.io/v1", RoleBinding.class, true);
  }

  private Kinds() {}

  private static void add(
      String name,
      String apiVersion,
      Class<? extends HasMetadata> type,
      boolean ns,
      String... shortNames) {
    Kind k = new Kind(name, apiVersion, type, ns);
    BY_NAME.put(name, k);
    String lower = name.toLowerCase(Locale.ROOT);
    ALIASES.put(lower, k);
    ALIASES.put(
        lower.endsWith("s")
            ? lower + "es"
            : lower.endsWith("y") ? lower.substring(0, lower.length() - 1) + "ies" : lower + "s",
        k);
    for (String s : shortNames) {
      ALIASES.put(s, k);
    }
  }

  public static Collection<String> names() {
    return BY_NAME.keySet();
  }

  /** The kind named (any case, plural or short name), or INVALID_ARGS naming the supported ones. */
  public static Kind of(String name) {
    Kind k = name == null ? null : ALIASES.get(name.toLowerCase(Locale.ROOT));
    if (k == null) {
      throw new ToolException(
          FailureType.INVALID_ARGS,
          "args.kind: unsupported kind '"
              + io.interlock.contract.values.CallerText.shown(name)
              + "'; supported kinds are "
              + names());
    }
    return k;
  }

  /** The kind named, which must be one of {@code allowed} for this tool. */
  public static Kind of(String name, String tool, List<String> allowed) {
    Kind k = of(name);
    if (!allowed.contains(k.name())) {
      throw new ToolException(
          FailureType.INVALID_ARGS,
          "args.kind: " + tool + " acts on " + allowed + ", not " + k.name());
    }
    return k;
  }
}
