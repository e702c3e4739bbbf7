package io.interlock.activities.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import java.util.List;

/** A unified diff of two objects rendered as YAML, the way `kubectl diff` shows a change. */
public final class YamlDiff {
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .build();

  /** Diffs are for people: a bigger one is cut, and says so. */
  static final int MAX_CHARS = 64 * 1024;

  private YamlDiff() {}

  public static String yaml(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "";
    }
    try {
      return YAML.writeValueAsString(sorted(node));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Live vs intended, both trimmed and redacted; a missing side is empty (create or delete). Empty
   * string when nothing would change.
   */
  public static String of(String label, JsonNode live, JsonNode intended) {
    List<String> a = lines(yaml(Redaction.redact(Manifests.forDiff(live))));
    List<String> b = lines(yaml(Redaction.redactChanges(live, Manifests.forDiff(intended))));
    List<String> diff =
        UnifiedDiffUtils.generateUnifiedDiff(
            live == null ? "/dev/null" : "live/" + label,
            intended == null ? "/dev/null" : "intended/" + label,
            a,
            DiffUtils.diff(a, b),
            3);
    String text = String.join("\n", diff);
    return text.length() <= MAX_CHARS
        ? text
        : text.substring(0, MAX_CHARS)
            + "\n... diff cut at "
            + MAX_CHARS
            + " of "
            + text.length()
            + " characters";
  }

  /** Keys in alphabetical order, as kubectl prints them, so both sides of a diff line up. */
  static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      com.fasterxml.jackson.databind.node.ObjectNode out = Json.object();
      java.util.List<String> keys = new java.util.ArrayList<>();
      node.fieldNames().forEachRemaining(keys::add);
      java.util.Collections.sort(keys);
      keys.forEach(k -> out.set(k, sorted(node.get(k))));
      return out;
    }
    if (node.isArray()) {
      com.fasterxml.jackson.databind.node.ArrayNode out = Json.NODES.arrayNode();
      node.forEach(n -> out.add(sorted(n)));
      return out;
    }
    return node;
  }

  private static List<String> lines(String s) {
    return s.lines().toList();
  }
}
