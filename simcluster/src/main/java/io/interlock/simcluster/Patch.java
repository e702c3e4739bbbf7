package io.interlock.simcluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The three PATCH body types (server-side apply is {@link ServerSideApply}). */
enum Patch {
  JSON("application/json-patch+json"),
  MERGE("application/merge-patch+json"),
  STRATEGIC_MERGE("application/strategic-merge-patch+json"),
  APPLY("application/apply-patch+yaml");

  /** Keys that identify list elements in a strategic merge (containers by name, ports by port). */
  private static final List<String> MERGE_KEYS =
      List.of("name", "containerPort", "mountPath", "ip");

  private final String contentType;

  Patch(String contentType) {
    this.contentType = contentType;
  }

  static Patch of(String contentType) {
    String ct = contentType == null ? "" : contentType.toLowerCase();
    for (Patch p : values()) {
      if (ct.startsWith(p.contentType)) {
        return p;
      }
    }
    if (ct.startsWith("application/apply-patch")) {
      return APPLY;
    }
    throw new StatusException(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json",
        null,
        null,
        List.of());
  }

  /** Applies a JSON, merge or strategic-merge patch to a copy of target. */
  ObjectNode apply(ObjectNode target, String body) {
    JsonNode patch = ObjectTrees.parse(body);
    if (this == JSON) {
      try {
        JsonNode out = JsonPatch.apply(patch, target);
        if (out instanceof ObjectNode o) {
          return o;
        }
        throw StatusException.badRequest("the JSON patch did not produce an object");
      } catch (JsonPatchException | IllegalArgumentException e) {
        throw new StatusException(
            422,
            "Invalid",
            "the server rejected our request due to an error in our request: " + e.getMessage(),
            null,
            null,
            List.of());
      }
    }
    if (!(patch instanceof ObjectNode p)) {
      throw StatusException.badRequest("a merge patch must be a JSON object");
    }
    ObjectNode out = target.deepCopy();
    merge(out, p, this == STRATEGIC_MERGE);
    return out;
  }

  /** RFC 7386 merge; with keyed lists merged by element key when strategic. */
  static void merge(ObjectNode target, ObjectNode patch, boolean strategic) {
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String k = f.getKey();
      JsonNode v = f.getValue();
      if (strategic && k.startsWith("$")) {
        continue;
      }
      if (v.isNull()) {
        target.remove(k);
      } else if (v instanceof ObjectNode po && target.get(k) instanceof ObjectNode to) {
        if (strategic && "replace".equals(po.path("$patch").asText())) {
          ObjectNode copy = po.deepCopy();
          copy.remove("$patch");
          target.set(k, copy);
        } else {
          merge(to, po, strategic);
        }
      } else if (strategic
          && v instanceof ArrayNode pa
          && target.get(k) instanceof ArrayNode ta
          && mergeKey(pa) != null) {
        mergeList(ta, pa, mergeKey(pa));
      } else {
        JsonNode copy = v.deepCopy();
        if (strategic && copy instanceof ObjectNode co) {
          stripDirectives(co);
        }
        target.set(k, copy);
      }
    }
  }

  private static void mergeList(ArrayNode target, ArrayNode patch, String key) {
    for (JsonNode el : patch) {
      ObjectNode pe = (ObjectNode) el;
      JsonNode id = pe.get(key);
      int found = -1;
      for (int i = 0; i < target.size(); i++) {
        if (id.equals(target.get(i).get(key))) {
          found = i;
        }
      }
      if ("delete".equals(pe.path("$patch").asText())) {
        if (found >= 0) {
          target.remove(found);
        }
      } else if (found >= 0 && target.get(found) instanceof ObjectNode te) {
        merge(te, pe, true);
      } else {
        ObjectNode copy = pe.deepCopy();
        stripDirectives(copy);
        target.add(copy);
      }
    }
  }

  /** The merge key shared by every element of a list of objects, or null (atomic list). */
  static String mergeKey(ArrayNode list) {
    if (list.isEmpty()) {
      return null;
    }
    for (String key : MERGE_KEYS) {
      boolean all = true;
      for (JsonNode el : list) {
        all &= el.isObject() && el.has(key);
      }
      if (all) {
        return key;
      }
    }
    return null;
  }

  private static void stripDirectives(ObjectNode o) {
    o.remove(
        o.properties().stream().map(Map.Entry::getKey).filter(k -> k.startsWith("$")).toList());
    o.forEach(
        c -> {
          if (c instanceof ObjectNode co) {
            stripDirectives(co);
          } else if (c instanceof ArrayNode ca) {
            ca.forEach(
                e -> {
                  if (e instanceof ObjectNode eo) {
                    stripDirectives(eo);
                  }
                });
          }
        });
  }
}
