package io.interlock.activities.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A workload's recorded revisions, as kubectl reads them: a Deployment's ReplicaSets (annotation
 * {@value #REVISION}), a StatefulSet's or DaemonSet's ControllerRevisions.
 */
public final class Revisions {
  public static final String REVISION = "deployment.kubernetes.io/revision";
  static final String CHANGE_CAUSE = "kubernetes.io/change-cause";

  private Revisions() {}

  /** One revision with the pod template it records. */
  public record Revision(long number, String object, JsonNode template, String changeCause) {}

  /** Oldest first. */
  public static List<Revision> of(KubernetesClient client, Target target, JsonNode live) {
    String uid = Json.at(live, "/metadata/uid");
    Kind owned = Kinds.of(target.kind().is("Deployment") ? "ReplicaSet" : "ControllerRevision");
    List<HasMetadata> items =
        ApiErrors.call(
            "list " + owned.name() + "s of " + target,
            () -> owned.operation(client).inNamespace(target.namespace()).list().getItems());
    List<Revision> out = new ArrayList<>();
    for (HasMetadata item : items) {
      boolean mine =
          item.getMetadata().getOwnerReferences() != null
              && item.getMetadata().getOwnerReferences().stream()
                  .anyMatch(
                      o ->
                          target.kind().is(o.getKind())
                              && target.name().equals(o.getName())
                              && (uid == null || o.getUid() == null || uid.equals(o.getUid())));
      if (!mine) {
        continue;
      }
      JsonNode n = Json.tree(item);
      String cause = Json.at(n, "/metadata/annotations/" + CHANGE_CAUSE.replace("/", "~1"));
      if (target.kind().is("Deployment")) {
        String rev = Json.at(n, "/metadata/annotations/" + REVISION.replace("/", "~1"));
        if (rev != null && rev.matches("\\d+")) {
          out.add(
              new Revision(
                  Long.parseLong(rev),
                  item.getMetadata().getName(),
                  podTemplate(n.at("/spec/template")),
                  cause));
        }
      } else {
        out.add(
            new Revision(
                n.path("revision").asLong(),
                item.getMetadata().getName(),
                podTemplate(n.at("/data/spec/template")),
                cause));
      }
    }
    out.sort(Comparator.comparingLong(Revision::number));
    return out;
  }

  /**
   * The workload's current revision number: the Deployment's annotation, else the newest recorded.
   */
  public static long current(JsonNode live, List<Revision> revisions) {
    String rev = Json.at(live, "/metadata/annotations/" + REVISION.replace("/", "~1"));
    if (rev != null && rev.matches("\\d+")) {
      return Long.parseLong(rev);
    }
    return revisions.isEmpty() ? 0 : revisions.get(revisions.size() - 1).number();
  }

  /** A recorded template as a workload would carry it: no pod-template-hash, no patch directive. */
  static JsonNode podTemplate(JsonNode template) {
    if (!(template instanceof ObjectNode t)) {
      return null;
    }
    ObjectNode copy = t.deepCopy();
    copy.remove("$patch");
    if (copy.at("/metadata/labels") instanceof ObjectNode labels) {
      labels.remove("pod-template-hash");
      labels.remove("controller-revision-hash");
    }
    return copy;
  }
}
