package io.interlock.activities.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.activities.secrets.DigestKey;
import io.interlock.workflows.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What an approval binds an object's content to: everything it says apart from status and the
 * bookkeeping servers and controllers change on their own, so a Deployment rolling out or a Node
 * heartbeating is not "changed since approval", while any edit to labels, annotations or spec is.
 */
public final class ContentHash {
  /** Metadata the server or a controller maintains by itself. */
  private static final List<String> SERVER_METADATA =
      List.of(
          "resourceVersion", "generation", "managedFields", "creationTimestamp", "uid", "selfLink");

  /** Annotations controllers rewrite during normal operation (not an operator's edit). */
  private static final List<String> CONTROLLER_ANNOTATIONS =
      List.of("deployment.kubernetes.io/revision");

  private ContentHash() {}

  /** {@code sha256:} of a node's {@link CanonicalJson}. */
  public static String digest(JsonNode node) {
    return CanonicalJson.digest(node);
  }

  /**
   * The object's content digest: {@code sha256:} of its canonical JSON, except a Secret's, which is
   * keyed by the worker ({@code hmac-sha256:}) so a low-entropy value cannot be guessed offline
   * from a history while an edited value still changes the digest.
   */
  public static String of(JsonNode live, DigestKey key) {
    if (live == null) {
      return null;
    }
    ObjectNode o = live.deepCopy();
    o.remove("status");
    if (o.get("metadata") instanceof ObjectNode m) {
      SERVER_METADATA.forEach(m::remove);
      if (m.get("annotations") instanceof ObjectNode a) {
        CONTROLLER_ANNOTATIONS.forEach(a::remove);
      }
    }
    return "Secret".equals(o.path("kind").asText())
        ? key.digest("secret-content", canonical(o))
        : digest(o);
  }

  private static byte[] canonical(JsonNode node) {
    return CanonicalJson.of(node).getBytes(StandardCharsets.UTF_8);
  }
}
