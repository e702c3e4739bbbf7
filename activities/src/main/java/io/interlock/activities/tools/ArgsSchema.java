package io.interlock.activities.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.contract.values.CallerText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A tool's argument schema: one declaration that both validates calls (before anything runs) and
 * publishes JSON Schema (catalog, MCP). Unknown fields are refused, so a typo never silently
 * changes what runs.
 */
public final class ArgsSchema {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /**
   * A character that is not whitespace in Java's sense ({@link String#isBlank}), written so that
   * Java and ECMA-262 regexes (what JSON Schema validators use) read it alike: the published schema
   * and this validator refuse the same blank strings.
   */
  private static final String NOT_BLANK =
      "[^\\t\\n\\u000b\\f\\r\\u001c-\\u001f \\u1680\\u2000-\\u2006\\u2008-\\u200a\\u2028\\u2029\\u205f\\u3000]";

  private static final Pattern NOT_BLANK_CHAR = Pattern.compile(NOT_BLANK);

  private enum Type {
    STRING,
    INTEGER,
    BOOLEAN,
    OBJECT,
    STRING_ARRAY
  }

  private record Field(
      String name,
      Type type,
      boolean required,
      String description,
      List<String> allowed,
      Long min,
      Long max,
      NameRule nameRule) {}

  private final Map<String, Field> fields = new LinkedHashMap<>();
  private final List<Function<ToolArgs, List<String>>> rules = new ArrayList<>();

  public static ArgsSchema create() {
    return new ArgsSchema();
  }

  public ArgsSchema string(String name, boolean required, String description) {
    return add(new Field(name, Type.STRING, required, description, null, null, null, null));
  }

  /** An object name, by Kubernetes' rule (DNS-1123 subdomain, at most 253 characters). */
  public ArgsSchema name(String name, boolean required, String description) {
    return add(
        new Field(
            name, Type.STRING, required, description, null, null, null, NameRule.OBJECT_NAME));
  }

  /** A namespace name, by Kubernetes' rule (DNS-1123 label, at most 63 characters). */
  public ArgsSchema namespace(String name, boolean required, String description) {
    return add(
        new Field(name, Type.STRING, required, description, null, null, null, NameRule.NAMESPACE));
  }

  /**
   * A check of the arguments as a whole (what a field's type cannot say, e.g. the names inside a
   * manifest); it runs only once every field is valid and returns its problems, each naming the
   * field.
   */
  public ArgsSchema rule(Function<ToolArgs, List<String>> rule) {
    rules.add(rule);
    return this;
  }

  public ArgsSchema oneOf(String name, boolean required, String description, String... allowed) {
    return add(
        new Field(name, Type.STRING, required, description, List.of(allowed), null, null, null));
  }

  public ArgsSchema integer(String name, boolean required, String description, long min, long max) {
    return add(new Field(name, Type.INTEGER, required, description, null, min, max, null));
  }

  public ArgsSchema bool(String name, String description) {
    return add(new Field(name, Type.BOOLEAN, false, description, null, null, null, null));
  }

  public ArgsSchema object(String name, boolean required, String description) {
    return add(new Field(name, Type.OBJECT, required, description, null, null, null, null));
  }

  public ArgsSchema strings(String name, boolean required, String description) {
    return add(new Field(name, Type.STRING_ARRAY, required, description, null, null, null, null));
  }

  /** Whether whole-call rules may refuse what the fields' published schema accepts. */
  boolean hasRules() {
    return !rules.isEmpty();
  }

  private ArgsSchema add(Field f) {
    fields.put(f.name(), f);
    return this;
  }

  /** Every problem with these arguments, each naming the field; empty when valid. */
  public List<String> validate(Map<String, Object> args) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> a = args == null ? Map.of() : args;
    for (String key : a.keySet()) {
      if (!fields.containsKey(key)) {
        problems.add(
            "args."
                + CallerText.shown(key)
                + ": unknown field; allowed fields are "
                + fields.keySet());
      }
    }
    for (Field f : fields.values()) {
      Object v = a.get(f.name());
      if (v == null) {
        if (f.required()) {
          problems.add("args." + f.name() + ": required (" + f.description() + ")");
        }
        continue;
      }
      String p = check(f, v);
      if (p != null) {
        problems.add("args." + f.name() + ": " + p);
      }
    }
    if (problems.isEmpty()) {
      ToolArgs valid = new ToolArgs(a);
      for (Function<ToolArgs, List<String>> r : rules) {
        try {
          problems.addAll(r.apply(valid));
        } catch (ToolException e) {
          // A rule may reuse the tool's own parsing, whose refusals already name the field.
          problems.add(e.getMessage());
        }
      }
    }
    return problems;
  }

  private static String check(Field f, Object v) {
    switch (f.type()) {
      case STRING -> {
        if (!(v instanceof String s)) {
          return "must be a string, got " + describe(v);
        }
        if (!NOT_BLANK_CHAR.matcher(s).find()) {
          return "must not be empty";
        }
        if (f.allowed() != null && !f.allowed().contains(s)) {
          return "must be one of " + f.allowed() + ", got '" + CallerText.shown(s, 40) + "'";
        }
        return f.nameRule() == null ? null : f.nameRule().problem(s);
      }
      case INTEGER -> {
        // Exact: a huge number must never wrap into range (18446744073709551621 is not 5).
        java.math.BigDecimal n;
        try {
          n = v instanceof Number ? new java.math.BigDecimal(v.toString()) : null;
        } catch (NumberFormatException e) {
          n = null;
        }
        if (n == null || n.stripTrailingZeros().scale() > 0) {
          return "must be an integer, got " + describe(v);
        }
        if (n.compareTo(java.math.BigDecimal.valueOf(f.min())) < 0
            || n.compareTo(java.math.BigDecimal.valueOf(f.max())) > 0) {
          String shown = n.toPlainString();
          return "must be between "
              + f.min()
              + " and "
              + f.max()
              + ", got "
              + (shown.length() > 40 ? shown.substring(0, 40) + "…" : shown);
        }
        return null;
      }
      case BOOLEAN -> {
        return v instanceof Boolean ? null : "must be true or false, got " + describe(v);
      }
      case OBJECT -> {
        return v instanceof Map<?, ?> || v instanceof String
            ? null
            : "must be an object (or a YAML/JSON string), got " + describe(v);
      }
      case STRING_ARRAY -> {
        if (!(v instanceof List<?> list) || !list.stream().allMatch(x -> x instanceof String)) {
          return "must be a list of strings, got " + describe(v);
        }
        return null;
      }
      default -> {
        return "unsupported field type";
      }
    }
  }

  private static String describe(Object v) {
    return v.getClass().getSimpleName().toLowerCase()
        + " '"
        + CallerText.shown(String.valueOf(v), 40)
        + "'";
  }

  /** JSON Schema (draft 2020-12 subset) for the catalog and MCP. */
  public ObjectNode json() {
    ObjectNode schema = JSON.objectNode();
    schema.put("type", "object");
    ObjectNode props = schema.putObject("properties");
    ArrayNode required = JSON.arrayNode();
    for (Field f : fields.values()) {
      ObjectNode p = props.putObject(f.name());
      switch (f.type()) {
        case STRING -> {
          p.put("type", "string");
          if (f.allowed() == null && f.nameRule() == null) {
            p.put("minLength", 1).put("pattern", NOT_BLANK);
          }
        }
        case INTEGER -> p.put("type", "integer");
        case BOOLEAN -> p.put("type", "boolean");
        case OBJECT -> p.set("type", JSON.arrayNode().add("object").add("string"));
        case STRING_ARRAY -> {
          p.put("type", "array");
          p.putObject("items").put("type", "string");
        }
      }
      p.put("description", f.description());
      if (f.allowed() != null) {
        ArrayNode e = p.putArray("enum");
        f.allowed().forEach(e::add);
      }
      if (f.min() != null) {
        p.put("minimum", f.min());
        p.put("maximum", f.max());
      }
      if (f.nameRule() != null) {
        p.put("pattern", f.nameRule().jsonPattern());
        p.put("maxLength", f.nameRule().maxLength());
      }
      if (f.required()) {
        required.add(f.name());
      }
    }
    schema.set("required", required);
    schema.put("additionalProperties", false);
    return schema;
  }
}
