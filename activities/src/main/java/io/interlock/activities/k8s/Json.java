package io.interlock.activities.k8s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.values.FailureType;

/** Conversions between fabric8's typed model and Jackson trees, which is what payloads carry. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();
  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Json() {}

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /** A typed resource (or anything) as a tree. */
  public static JsonNode tree(Object o) {
    return o == null ? null : SERIALIZATION.convertValue(o, JsonNode.class);
  }

  /** A tree as a typed resource; a shape the model refuses is INVALID_ARGS. */
  public static <T> T typed(JsonNode node, Class<T> type) {
    try {
      return SERIALIZATION.convertValue(node, type);
    } catch (IllegalArgumentException e) {
      throw new ToolException(
          FailureType.INVALID_ARGS,
          "not a valid " + type.getSimpleName() + ": " + e.getMessage(),
          e);
    }
  }

  public static String text(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The text at a slash path ("/metadata/name"), or null. */
  public static String at(JsonNode node, String pointer) {
    JsonNode n = node == null ? null : node.at(pointer);
    return n == null || n.isMissingNode() || n.isNull() ? null : n.asText();
  }
}
