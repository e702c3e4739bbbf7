package io.interlock.activities.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.activities.secrets.DigestKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What an approval binds an object's content to: everything it says apart from status and the
 * bookkeeping servers and controllers change on their own, so a Deployment rolling out or a Node
 * heartbeating is not "changed since approval", while any edit to labels, annotations or spec is.
 */
public final class ContentHash {
  private static final ObjectMapper CANONICAL =
      JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  /** Metadata the server or a controller maintains by itself. */
  private static final List<String> SERVER_METADATA =
      List.of(
          "resourceVersion", "generation", "managedFields", "creationTimestamp", "uid", "selfLink");

  /** Annotations controllers rewrite during normal operation (not an operator's edit). */
  private static final List<String> CONTROLLER_ANNOTATIONS =
      List.of("deployment.kubernetes.io/revision");

  private ContentHash() {}

  /** {@code sha256:} of a node's canonical JSON (keys sorted, no whitespace). */
  public static String digest(JsonNode node) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical(node)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
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
    try {
      return CANONICAL
          .writeValueAsString(CANONICAL.treeToValue(node, Object.class))
          .getBytes(StandardCharsets.UTF_8);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot fingerprint object", e);
    }
  }
}
