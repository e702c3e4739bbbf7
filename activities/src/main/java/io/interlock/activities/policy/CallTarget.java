package io.interlock.activities.policy;

import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.Preview;
import io.interlock.contract.values.TargetRef;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a call acts on, from the preview's target when there is one, else from its arguments.
 *
 * @param namespaces every namespace the call mentions (target, args, manifest); all must be
 *     allowed, so a manifest cannot smuggle in another namespace
 * @param exists whether the preview saw the object (false when unknown)
 */
record CallTarget(
    String apiVersion, String kind, String name, Set<String> namespaces, boolean exists) {

  static CallTarget of(ToolCall call, Preview preview) {
    Map<String, Object> args = call.args();
    Map<?, ?> manifest = args.get("manifest") instanceof Map<?, ?> m ? m : Map.of();
    Map<?, ?> metadata = manifest.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
    TargetRef ref = preview == null ? null : preview.target();

    String kind =
        first(
            ref == null ? null : ref.kind(),
            text(args.get("kind")),
            text(manifest.get("kind")),
            defaultKind(call.tool()));
    String apiVersion =
        first(
            ref == null ? null : ref.apiVersion(),
            text(args.get("apiVersion")),
            text(manifest.get("apiVersion")));
    String name =
        first(ref == null ? null : ref.name(), text(args.get("name")), text(metadata.get("name")));
    Set<String> namespaces = new LinkedHashSet<>();
    for (String ns :
        new String[] {
          ref == null ? null : ref.namespace(),
          text(args.get("namespace")),
          text(metadata.get("namespace"))
        }) {
      if (ns != null) {
        namespaces.add(ns);
      }
    }
    return new CallTarget(
        apiVersion, kind, name, Set.copyOf(namespaces), ref != null && ref.exists());
  }

  /** The single namespace, or null when there is none (or several, which policy refuses). */
  String namespace() {
    return namespaces.size() == 1 ? namespaces.iterator().next() : null;
  }

  private static String defaultKind(String tool) {
    if (tool == null) {
      return null;
    }
    return switch (tool) {
      case "k8s.cordon", "k8s.uncordon" -> "Node";
      case "k8s.scale",
          "k8s.set-image",
          "k8s.rollout-restart",
          "k8s.rollout-undo",
          "k8s.rollout-status",
          "k8s.rollout-history" ->
          "Deployment";
      case "k8s.logs" -> "Pod";
      default -> null;
    };
  }

  private static String text(Object o) {
    return o == null || String.valueOf(o).isBlank() ? null : String.valueOf(o);
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }
}
