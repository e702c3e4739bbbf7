package io.interlock.activities.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Secret values never leave the engine: every read, preview and audit copy passes through here.
 * Keys stay visible; values become {@value #REDACTED}.
 */
public final class Redaction {
  public static final String REDACTED = "<redacted>";
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private Redaction() {}

  /** A redacted copy of one object; {@code kindHint} covers list items that carry no kind. */
  public static JsonNode redact(JsonNode node, String kindHint) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return node;
    }
    JsonNode copy = node.deepCopy();
    walk(copy, kindHint);
    return copy;
  }

  public static JsonNode redact(JsonNode node) {
    return redact(node, null);
  }

  private static void walk(JsonNode node, String kindHint) {
    if (node instanceof ArrayNode a) {
      a.forEach(n -> walk(n, kindHint));
      return;
    }
    if (!(node instanceof ObjectNode o)) {
      return;
    }
    String kind = o.path("kind").asText(null);
    boolean secret = "Secret".equals(kind) || (kind == null && "Secret".equals(kindHint));
    if (secret) {
      blank(o.get("data"));
      blank(o.get("stringData"));
      JsonNode ann = o.path("metadata").path("annotations");
      if (ann instanceof ObjectNode annotations && annotations.has(LAST_APPLIED)) {
        annotations.put(LAST_APPLIED, REDACTED);
      }
    }
    // A List (or any wrapper) of Secrets: descend with the item kind as the hint.
    String childHint =
        kind != null && kind.endsWith("List") ? kind.substring(0, kind.length() - 4) : kindHint;
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!secret || !List.of("data", "stringData").contains(e.getKey())) {
        walk(e.getValue(), "items".equals(e.getKey()) ? childHint : null);
      }
    }
  }

  private static void blank(JsonNode values) {
    if (values instanceof ObjectNode o) {
      o.fieldNames().forEachRemaining(k -> o.put(k, REDACTED));
    }
  }

  /**
   * Marks a Secret value that differs from {@code live} so a redacted diff still shows the change.
   */
  static final String REDACTED_CHANGED = "<redacted, changed>";

  /** {@code intended} redacted, with changed Secret values marked (their values still hidden). */
  public static JsonNode redactChanges(JsonNode live, JsonNode intended) {
    JsonNode out = redact(intended);
    if (out instanceof ObjectNode o && "Secret".equals(o.path("kind").asText())) {
      for (String field : List.of("data", "stringData")) {
        JsonNode before = live == null ? null : live.get(field);
        JsonNode after = intended.get(field);
        if (after instanceof ObjectNode values && o.get(field) instanceof ObjectNode redacted) {
          values
              .fieldNames()
              .forEachRemaining(
                  k -> {
                    if (before == null || !values.get(k).equals(before.get(k))) {
                      redacted.put(k, REDACTED_CHANGED);
                    }
                  });
        }
      }
    }
    return out;
  }
}
