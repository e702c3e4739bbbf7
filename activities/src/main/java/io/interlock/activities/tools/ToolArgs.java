package io.interlock.activities.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.interlock.contract.values.CallerText;
import io.interlock.contract.values.FailureType;
import java.util.List;
import java.util.Map;

/** Typed access to already-validated arguments. */
public record ToolArgs(Map<String, Object> values) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  public String string(String name) {
    Object v = values.get(name);
    if (v == null) {
      throw new ToolException(FailureType.INVALID_ARGS, "args." + name + ": required");
    }
    return v.toString();
  }

  public String string(String name, String fallback) {
    Object v = values.get(name);
    return v == null ? fallback : v.toString();
  }

  public int integer(String name) {
    Object v = values.get(name);
    if (!(v instanceof Number n)) {
      throw new ToolException(FailureType.INVALID_ARGS, "args." + name + ": required integer");
    }
    return n.intValue();
  }

  public int integer(String name, int fallback) {
    return values.get(name) instanceof Number n ? n.intValue() : fallback;
  }

  public boolean bool(String name) {
    return Boolean.TRUE.equals(values.get(name));
  }

  public boolean has(String name) {
    return values.get(name) != null;
  }

  @SuppressWarnings("unchecked")
  public List<String> strings(String name) {
    Object v = values.get(name);
    return v == null ? List.of() : (List<String>) v;
  }

  /** An object argument given as a JSON object or as a YAML/JSON string. */
  public JsonNode object(String name) {
    Object v = values.get(name);
    if (v == null) {
      throw new ToolException(FailureType.INVALID_ARGS, "args." + name + ": required object");
    }
    try {
      return v instanceof String s ? YAML.readTree(s) : JSON.valueToTree(v);
    } catch (Exception e) {
      throw new ToolException(
          FailureType.INVALID_ARGS,
          "args."
              + name
              + ": not valid YAML or JSON: "
              // The parser's message spans lines and quotes the input: one short, printable line of
              // it.
              + CallerText.shown(String.valueOf(e.getMessage()).replaceAll("\\s+", " "), 300));
    }
  }
}
