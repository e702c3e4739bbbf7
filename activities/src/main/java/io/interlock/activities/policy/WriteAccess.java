package io.interlock.activities.policy;

import java.util.ArrayList;
import java.util.List;

/** The RBAC permissions each Kubernetes write tool needs, for the SelfSubjectAccessReview. */
final class WriteAccess {
  private WriteAccess() {}

  /**
   * Permissions {@code tool} needs on {@code target}; null for a {@code k8s.*} tool this table does
   * not know (policy then denies), empty for tools of other integrations. Without {@code
   * existenceKnown} (no preview yet) an apply's create is left to the check after the preview.
   */
  static List<AccessRequest> required(String tool, CallTarget target, boolean existenceKnown) {
    if (tool == null || !tool.startsWith("k8s.")) {
      return List.of();
    }
    String kind = target.kind() == null ? "Deployment" : target.kind();
    String group = KubernetesKinds.group(kind, target.apiVersion());
    String resource = KubernetesKinds.resource(kind);
    String ns = KubernetesKinds.clusterScoped(kind) ? null : target.namespace();
    String name = target.name();
    List<AccessRequest> out = new ArrayList<>();
    switch (tool) {
      // These tools write one guarded PUT of the whole object (Writes.update, resourceVersion
      // precondition),
      // so the server authorizes "update" on the object itself: review exactly that
      // (WriteAccessOnRealServerTest).
      case "k8s.scale",
          "k8s.set-image",
          "k8s.rollout-restart",
          "k8s.patch",
          "k8s.cordon",
          "k8s.uncordon" ->
          out.add(new AccessRequest("update", group, resource, null, ns, name));
      case "k8s.rollout-undo" -> {
        out.add(new AccessRequest("update", group, resource, null, ns, name));
        // Undo reads the previous revision from the workload's ReplicaSets.
        out.add(new AccessRequest("list", "apps", "replicasets", null, ns, null));
      }
      case "k8s.apply" -> {
        out.add(new AccessRequest("patch", group, resource, null, ns, name));
        if (existenceKnown && !target.exists()) {
          // Server-side apply of a new object is also authorized as a create.
          out.add(new AccessRequest("create", group, resource, null, ns, name));
        }
      }
      case "k8s.delete" -> out.add(new AccessRequest("delete", group, resource, null, ns, name));
      default -> {
        return null;
      }
    }
    return out;
  }
}
