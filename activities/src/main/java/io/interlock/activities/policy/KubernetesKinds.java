package io.interlock.activities.policy;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Scope, API group and resource name of the Kubernetes kinds policy and access review reason about.
 */
final class KubernetesKinds {
  private KubernetesKinds() {}

  /** Built-in cluster-scoped kinds; anything else is treated as namespaced (fail closed). */
  static final Set<String> CLUSTER_SCOPED =
      Set.of(
          "Node",
          "Namespace",
          "PersistentVolume",
          "ClusterRole",
          "ClusterRoleBinding",
          "CustomResourceDefinition",
          "StorageClass",
          "PriorityClass",
          "IngressClass",
          "RuntimeClass",
          "MutatingWebhookConfiguration",
          "ValidatingWebhookConfiguration",
          "APIService",
          "CSIDriver",
          "CSINode",
          "VolumeAttachment",
          "ValidatingAdmissionPolicy",
          "ValidatingAdmissionPolicyBinding",
          "CertificateSigningRequest",
          "FlowSchema",
          "PriorityLevelConfiguration");

  /** Built-in namespaced kinds a policy could mistakenly list as cluster-scoped. */
  static final Set<String> NAMESPACED =
      Set.of(
          "Deployment",
          "StatefulSet",
          "DaemonSet",
          "ReplicaSet",
          "Pod",
          "Service",
          "ConfigMap",
          "Secret",
          "Job",
          "CronJob",
          "Ingress",
          "ServiceAccount",
          "Role",
          "RoleBinding",
          "PersistentVolumeClaim",
          "HorizontalPodAutoscaler",
          "PodDisruptionBudget",
          "NetworkPolicy",
          "Event",
          "Endpoints");

  private static final Map<String, String[]> RESOURCES =
      Map.ofEntries(
          Map.entry("Deployment", new String[] {"apps", "deployments"}),
          Map.entry("StatefulSet", new String[] {"apps", "statefulsets"}),
          Map.entry("DaemonSet", new String[] {"apps", "daemonsets"}),
          Map.entry("ReplicaSet", new String[] {"apps", "replicasets"}),
          Map.entry("Pod", new String[] {"", "pods"}),
          Map.entry("Service", new String[] {"", "services"}),
          Map.entry("ConfigMap", new String[] {"", "configmaps"}),
          Map.entry("Secret", new String[] {"", "secrets"}),
          Map.entry("Node", new String[] {"", "nodes"}),
          Map.entry("Namespace", new String[] {"", "namespaces"}),
          Map.entry("Job", new String[] {"batch", "jobs"}),
          Map.entry("CronJob", new String[] {"batch", "cronjobs"}),
          Map.entry("Ingress", new String[] {"networking.k8s.io", "ingresses"}),
          Map.entry(
              "HorizontalPodAutoscaler", new String[] {"autoscaling", "horizontalpodautoscalers"}),
          Map.entry("PersistentVolumeClaim", new String[] {"", "persistentvolumeclaims"}),
          Map.entry("ServiceAccount", new String[] {"", "serviceaccounts"}));

  static boolean clusterScoped(String kind) {
    return kind != null && CLUSTER_SCOPED.contains(kind);
  }

  /**
   * API group of {@code kind}: known kinds by table, others from {@code apiVersion} ("apps/v1").
   */
  static String group(String kind, String apiVersion) {
    String[] known = RESOURCES.get(kind);
    if (known != null) {
      return known[0];
    }
    if (apiVersion != null && apiVersion.contains("/")) {
      return apiVersion.substring(0, apiVersion.indexOf('/'));
    }
    return "";
  }

  /** Plural resource name of {@code kind} (known kinds by table, others by the usual rule). */
  static String resource(String kind) {
    String[] known = RESOURCES.get(kind);
    if (known != null) {
      return known[1];
    }
    String lower = kind.toLowerCase(Locale.ROOT);
    if (lower.endsWith("s")) {
      return lower + "es";
    }
    return lower.endsWith("y") ? lower.substring(0, lower.length() - 1) + "ies" : lower + "s";
  }
}
