package io.interlock.simcluster;

import java.util.List;
import java.util.Optional;

/**
 * One resource the simulated API server serves: where it lives in the API, how kubectl may name it,
 * and which subresources it has.
 */
record ResourceType(
    String group,
    String version,
    String plural,
    String kind,
    boolean namespaced,
    List<String> shortNames,
    boolean hasStatus,
    boolean hasScale) {

  static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  static final List<ResourceType> ALL =
      List.of(
          core("pods", "Pod", true, List.of("po"), true, false),
          core("services", "Service", true, List.of("svc"), true, false),
          core("configmaps", "ConfigMap", true, List.of("cm"), false, false),
          core("secrets", "Secret", true, List.of(), false, false),
          core("serviceaccounts", "ServiceAccount", true, List.of("sa"), false, false),
          core("events", "Event", true, List.of("ev"), false, false),
          core("endpoints", "Endpoints", true, List.of("ep"), false, false),
          core(
              "persistentvolumeclaims", "PersistentVolumeClaim", true, List.of("pvc"), true, false),
          core("namespaces", "Namespace", false, List.of("ns"), true, false),
          core("nodes", "Node", false, List.of("no"), true, false),
          apps("deployments", "Deployment", List.of("deploy")),
          apps("replicasets", "ReplicaSet", List.of("rs")),
          apps("statefulsets", "StatefulSet", List.of("sts")),
          apps("daemonsets", "DaemonSet", List.of("ds")),
          new ResourceType(
              "apps",
              "v1",
              "controllerrevisions",
              "ControllerRevision",
              true,
              List.of(),
              false,
              false),
          new ResourceType("batch", "v1", "jobs", "Job", true, List.of(), true, false),
          new ResourceType("batch", "v1", "cronjobs", "CronJob", true, List.of("cj"), true, false),
          new ResourceType(
              "autoscaling",
              "v2",
              "horizontalpodautoscalers",
              "HorizontalPodAutoscaler",
              true,
              List.of("hpa"),
              true,
              false),
          new ResourceType(
              "networking.k8s.io", "v1", "ingresses", "Ingress", true, List.of("ing"), true, false),
          new ResourceType(
              "networking.k8s.io",
              "v1",
              "networkpolicies",
              "NetworkPolicy",
              true,
              List.of("netpol"),
              false,
              false),
          new ResourceType(
              "policy",
              "v1",
              "poddisruptionbudgets",
              "PodDisruptionBudget",
              true,
              List.of("pdb"),
              true,
              false),
          rbac("roles", "Role", true),
          rbac("rolebindings", "RoleBinding", true),
          rbac("clusterroles", "ClusterRole", false),
          rbac("clusterrolebindings", "ClusterRoleBinding", false));

  /** Answered by the access-review endpoint only; never stored. */
  static final ResourceType SELF_SUBJECT_ACCESS_REVIEW =
      new ResourceType(
          "authorization.k8s.io",
          "v1",
          "selfsubjectaccessreviews",
          "SelfSubjectAccessReview",
          false,
          List.of(),
          false,
          false);

  static final ResourceType POD = byPlural("", "pods").orElseThrow();
  static final ResourceType NAMESPACE = byPlural("", "namespaces").orElseThrow();
  static final ResourceType NODE = byPlural("", "nodes").orElseThrow();
  static final ResourceType SECRET = byPlural("", "secrets").orElseThrow();
  static final ResourceType DEPLOYMENT = byPlural("apps", "deployments").orElseThrow();
  static final ResourceType REPLICASET = byPlural("apps", "replicasets").orElseThrow();
  static final ResourceType STATEFULSET = byPlural("apps", "statefulsets").orElseThrow();
  static final ResourceType DAEMONSET = byPlural("apps", "daemonsets").orElseThrow();
  static final ResourceType CONTROLLER_REVISION =
      byPlural("apps", "controllerrevisions").orElseThrow();

  static Optional<ResourceType> byPlural(String group, String plural) {
    return ALL.stream().filter(t -> t.group.equals(group) && t.plural.equals(plural)).findFirst();
  }

  /** The type of an object by its apiVersion and kind. */
  static ResourceType ofObject(com.fasterxml.jackson.databind.JsonNode o) {
    String apiVersion = o.path("apiVersion").asText();
    String kind = o.path("kind").asText();
    return ALL.stream()
        .filter(t -> t.apiVersion().equals(apiVersion) && t.kind().equals(kind))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "the simulated cluster does not serve " + apiVersion + " " + kind));
  }

  /** "apps/v1", or "v1" for the core group. */
  String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** "deployments.apps", or "pods" for the core group, as the API server names it in errors. */
  String qualifiedName() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  /** Workloads whose spec changes bump metadata.generation (all objects with a spec do). */
  boolean isWorkload() {
    return group.equals("apps") && !plural.equals("controllerrevisions");
  }

  private static ResourceType core(
      String plural,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      boolean status,
      boolean scale) {
    return new ResourceType("", "v1", plural, kind, namespaced, shortNames, status, scale);
  }

  private static ResourceType apps(String plural, String kind, List<String> shortNames) {
    return new ResourceType(
        "apps", "v1", plural, kind, true, shortNames, true, !plural.equals("daemonsets"));
  }

  private static ResourceType rbac(String plural, String kind, boolean namespaced) {
    return new ResourceType(
        "rbac.authorization.k8s.io", "v1", plural, kind, namespaced, List.of(), false, false);
  }
}
