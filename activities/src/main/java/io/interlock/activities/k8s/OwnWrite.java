package io.interlock.activities.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How the engine recognises its own write: every object it writes carries the approved call's hash
 * in an annotation, written under its field manager. A retried write whose first answer was lost
 * then finds its own change and reports it executed, instead of calling it a concurrent change.
 */
public final class OwnWrite {
  /** Annotation naming the last approved call the engine wrote into the object. */
  public static final String CALL_ANNOTATION = "interlock.dev/last-call";

  /** Field manager of every write the engine makes. */
  public static final String FIELD_MANAGER = "interlock";

  private OwnWrite() {}

  /** The object to write, stamped with the call's hash. */
  public static ObjectNode stamp(JsonNode intended, String callHash) {
    ObjectNode body = intended.deepCopy();
    if (callHash == null) {
      return body;
    }
    ObjectNode meta = body.with("metadata");
    meta.with("annotations").put(CALL_ANNOTATION, callHash);
    return body;
  }

  /**
   * True when the live object is this call's own write: its hash, under the engine's field manager.
   */
  public static boolean isOurs(JsonNode live, String callHash) {
    if (live == null || callHash == null) {
      return false;
    }
    JsonNode meta = live.path("metadata");
    if (!callHash.equals(meta.path("annotations").path(CALL_ANNOTATION).asText(null))) {
      return false;
    }
    JsonNode managed = meta.path("managedFields");
    if (!managed.isArray() || managed.isEmpty()) {
      return true; // a server that tracks no field managers: the hash alone names the write
    }
    for (JsonNode entry : managed) {
      if (FIELD_MANAGER.equals(entry.path("manager").asText())) {
        return true;
      }
    }
    return false;
  }
}
