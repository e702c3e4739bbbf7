package io.interlock.activities.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.activities.tools.NameRule;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.values.FailureType;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Pure transformations of manifests: trimming noise, sanitizing snapshots, merge patches. */
public final class Manifests {
  private static final List<String> SERVER_METADATA =
      List.of(
          "managedFields", "resourceVersion", "uid", "generation", "creationTimestamp", "selfLink");

  private Manifests() {}

  /** For audit copies: the object minus managedFields and the last-applied blob. */
  public static JsonNode forAudit(JsonNode obj) {
    if (!(obj instanceof ObjectNode)) {
      return obj;
    }
    ObjectNode o = obj.deepCopy();
    if (o.get("metadata") instanceof ObjectNode md) {
      md.remove("managedFields");
      if (md.get("annotations") instanceof ObjectNode ann) {
        ann.remove(Redaction.LAST_APPLIED);
        if (ann.isEmpty()) {
          md.remove("annotations");
        }
      }
    }
    return o;
  }

  /** For diffs: what a person would change, without status or server bookkeeping. */
  public static JsonNode forDiff(JsonNode obj) {
    if (!(obj instanceof ObjectNode)) {
      return obj;
    }
    ObjectNode o = (ObjectNode) forAudit(obj);
    o.remove("status");
    if (o.get("metadata") instanceof ObjectNode md) {
      SERVER_METADATA.forEach(md::remove);
    }
    return o;
  }

  /** A snapshot fit to be created again: identity, status and ownership stripped. */
  public static ObjectNode forRecreate(JsonNode obj) {
    ObjectNode o = (ObjectNode) forDiff(obj);
    if (o.get("metadata") instanceof ObjectNode md) {
      md.remove("ownerReferences");
      md.remove("deletionTimestamp");
      md.remove("deletionGracePeriodSeconds");
      md.remove("finalizers");
      md.remove("generateName");
    }
    if ("Service".equals(o.path("kind").asText()) && o.get("spec") instanceof ObjectNode spec) {
      // The cluster allocates these; re-using them on create may be refused.
      spec.remove("clusterIP");
      spec.remove("clusterIPs");
    }
    return o;
  }

  /** A manifest argument checked for the fields every object needs; INVALID_ARGS otherwise. */
  public static ObjectNode requireObject(JsonNode manifest, String arg) {
    if (!(manifest instanceof ObjectNode o)) {
      throw new ToolException(
          FailureType.INVALID_ARGS, "args." + arg + ": must be one Kubernetes object (a mapping)");
    }
    for (String field : List.of("apiVersion", "kind")) {
      if (!o.path(field).isTextual() || o.path(field).asText().isBlank()) {
        throw new ToolException(
            FailureType.INVALID_ARGS, "args." + arg + "." + field + ": required");
      }
    }
    if (!o.path("metadata").path("name").isTextual()
        || o.path("metadata").path("name").asText().isBlank()) {
      throw new ToolException(FailureType.INVALID_ARGS, "args." + arg + ".metadata.name: required");
    }
    return o;
  }

  /**
   * The manifest's name and namespace by Kubernetes' rules; INVALID_ARGS naming the field
   * otherwise.
   */
  public static void requireValidNames(JsonNode manifest, String arg) {
    String name = NameRule.OBJECT_NAME.problem(manifest.path("metadata").path("name").asText());
    if (name != null) {
      throw new ToolException(FailureType.INVALID_ARGS, "args." + arg + ".metadata.name: " + name);
    }
    JsonNode ns = manifest.path("metadata").path("namespace");
    if (!ns.isMissingNode() && !ns.isNull()) {
      String problem =
          ns.isTextual()
              ? NameRule.NAMESPACE.problem(ns.asText())
              : "must be a string, got " + ns.getNodeType();
      if (problem != null) {
        throw new ToolException(
            FailureType.INVALID_ARGS, "args." + arg + ".metadata.namespace: " + problem);
      }
    }
  }

  /** RFC 7386 JSON merge patch applied to a copy of {@code target}. */
  public static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result = target != null && target.isObject() ? target.deepCopy() : Json.object();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isNull()) {
        result.remove(e.getKey());
      } else {
        result.set(e.getKey(), mergePatch(result.get(e.getKey()), e.getValue()));
      }
    }
    return result;
  }

  /**
   * The merge patch that undoes {@code patch} on {@code before}: the before values of its fields.
   */
  public static JsonNode inverseMergePatch(JsonNode before, JsonNode patch) {
    ObjectNode inverse = Json.object();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode old = before == null ? null : before.get(e.getKey());
      if (old == null || old.isNull()) {
        inverse.putNull(e.getKey());
      } else if (e.getValue().isObject() && old.isObject()) {
        inverse.set(e.getKey(), inverseMergePatch(old, e.getValue()));
      } else {
        inverse.set(e.getKey(), old.deepCopy());
      }
    }
    return inverse;
  }

  /**
   * Where {@code have} differs from what {@code want} states (fields {@code want} omits are
   * ignored, so server defaults do not count); empty when it holds.
   */
  public static List<String> mismatches(JsonNode want, JsonNode have, String path) {
    List<String> out = new java.util.ArrayList<>();
    if (want == null || want.isMissingNode()) {
      return out;
    }
    if (want.isNull()) {
      if (have != null && !have.isNull() && !have.isMissingNode()) {
        out.add(path + " should be absent");
      }
      return out;
    }
    if (have == null || have.isMissingNode() || have.isNull()) {
      out.add(path + " is missing, intended " + abbreviate(want));
      return out;
    }
    if (want.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.addAll(mismatches(e.getValue(), have.get(e.getKey()), path + "." + e.getKey()));
      }
    } else if (want.isArray()) {
      if (!have.isArray() || have.size() != want.size()) {
        out.add(
            path
                + " has "
                + (have.isArray() ? have.size() + " items" : abbreviate(have))
                + ", intended "
                + want.size()
                + " items");
      } else {
        for (int i = 0; i < want.size(); i++) {
          out.addAll(mismatches(want.get(i), have.get(i), path + "[" + i + "]"));
        }
      }
    } else if (!want.asText().equals(have.asText())) {
      out.add(path + " is " + abbreviate(have) + ", intended " + abbreviate(want));
    }
    return out;
  }

  private static String abbreviate(JsonNode n) {
    String s = n.toString();
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
