package io.interlock.simcluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The JSON (and YAML) tree operations the simulator needs on Kubernetes objects. */
final class ObjectTrees {

  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ObjectTrees() {}

  /** The object field, created empty when absent or not an object. */
  static ObjectNode child(ObjectNode parent, String field) {
    JsonNode n = parent.get(field);
    if (n instanceof ObjectNode o) {
      return o;
    }
    return parent.putObject(field);
  }

  /** The array field, created empty when absent or not an array. */
  static ArrayNode array(ObjectNode parent, String field) {
    JsonNode n = parent.get(field);
    if (n instanceof ArrayNode a) {
      return a;
    }
    return parent.putArray(field);
  }

  /** Removes null fields at any depth, as decoding into the API types does. */
  static void dropNulls(JsonNode n) {
    if (n instanceof ObjectNode o) {
      o.remove(
          o.properties().stream()
              .filter(e -> e.getValue().isNull())
              .map(java.util.Map.Entry::getKey)
              .toList());
      o.forEach(ObjectTrees::dropNulls);
    } else if (n instanceof ArrayNode a) {
      a.forEach(ObjectTrees::dropNulls);
    }
  }

  static ObjectNode meta(ObjectNode o) {
    return child(o, "metadata");
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Parses JSON, or YAML (apply patches may be either). */
  static JsonNode parse(String text) {
    try {
      String t = text.strip();
      if (t.startsWith("{") || t.startsWith("[")) {
        return MAPPER.readTree(t);
      }
      return YAML.readTree(t);
    } catch (JsonProcessingException e) {
      throw StatusException.badRequest(
          "the body of the request could not be decoded: " + e.getOriginalMessage());
    }
  }

  static ObjectNode parseObject(String text) {
    JsonNode n = parse(text);
    if (n instanceof ObjectNode o) {
      return o;
    }
    throw StatusException.badRequest("the body of the request must be an object");
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
