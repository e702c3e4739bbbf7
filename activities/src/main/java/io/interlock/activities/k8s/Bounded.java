package io.interlock.activities.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/** Keeps every payload far below Temporal's 2 MB limit, and says what was cut. */
public final class Bounded {
  /** Upper bound for one tool result. */
  public static final int MAX_BYTES = 256 * 1024;

  private Bounded() {}

  public static int size(JsonNode node) {
    return Json.text(node).getBytes(StandardCharsets.UTF_8).length;
  }

  /** True for the stub {@link #cap} leaves in place of an object too large to carry. */
  public static boolean isCut(JsonNode node) {
    return node != null && node.has("truncated") && !node.has("metadata");
  }

  /** The node itself when small enough; else a stub that names the size and how to narrow it. */
  public static JsonNode cap(JsonNode node, String hint) {
    int size = size(node);
    if (size <= MAX_BYTES) {
      return node;
    }
    ObjectNode stub = Json.object();
    stub.put(
        "truncated",
        "result of " + size + " bytes exceeds the " + MAX_BYTES + " byte cap; " + hint);
    String text = Json.text(node);
    stub.put("head", text.substring(0, Math.min(text.length(), 16 * 1024)));
    return stub;
  }
}
