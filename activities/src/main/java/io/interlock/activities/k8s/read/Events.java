package io.interlock.activities.k8s.read;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.activities.k8s.ApiErrors;
import io.interlock.activities.k8s.Json;
import java.util.Comparator;
import java.util.List;

/** Core v1 Events of a namespace, newest first, as compact rows. */
final class Events {
  private Events() {}

  /** Events in {@code namespace}, optionally about one object (kind and name), newest first. */
  static List<Event> of(KubernetesClient client, String namespace, String kind, String name) {
    List<Event> all =
        ApiErrors.call(
            "list events in " + namespace,
            () -> client.v1().events().inNamespace(namespace).list().getItems());
    return all.stream()
        .filter(
            e ->
                kind == null
                    || e.getInvolvedObject() == null
                    || kind.equals(e.getInvolvedObject().getKind()))
        .filter(
            e ->
                name == null
                    || (e.getInvolvedObject() != null
                        && name.equals(e.getInvolvedObject().getName())))
        .sorted(
            Comparator.comparing(Events::when, Comparator.nullsFirst(Comparator.naturalOrder()))
                .reversed())
        .toList();
  }

  static String when(Event e) {
    if (e.getLastTimestamp() != null) {
      return e.getLastTimestamp();
    }
    if (e.getEventTime() != null && e.getEventTime().getTime() != null) {
      return e.getEventTime().getTime();
    }
    return e.getMetadata() == null ? null : e.getMetadata().getCreationTimestamp();
  }

  static ArrayNode rows(List<Event> events, int limit) {
    ArrayNode rows = Json.NODES.arrayNode();
    for (Event e : events.subList(0, Math.min(limit, events.size()))) {
      ObjectNode r = rows.addObject();
      r.put("lastSeen", when(e));
      r.put("type", e.getType());
      r.put("reason", e.getReason());
      if (e.getInvolvedObject() != null) {
        r.put("object", e.getInvolvedObject().getKind() + "/" + e.getInvolvedObject().getName());
      }
      r.put(
          "message",
          e.getMessage() == null || e.getMessage().length() <= 1000
              ? e.getMessage()
              : e.getMessage().substring(0, 1000) + "…");
      if (e.getCount() != null) {
        r.put("count", e.getCount());
      }
    }
    return rows;
  }
}
