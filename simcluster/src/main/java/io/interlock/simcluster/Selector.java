package io.interlock.simcluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Label and field selectors as the API server accepts them on list and watch. */
final class Selector {

  private final Predicate<JsonNode> test;

  private Selector(Predicate<JsonNode> test) {
    this.test = test;
  }

  static Selector of(String labelSelector, String fieldSelector) {
    Predicate<JsonNode> p = o -> true;
    for (String clause : split(labelSelector)) {
      p = p.and(labelClause(clause.trim()));
    }
    for (String clause : split(fieldSelector)) {
      p = p.and(fieldClause(clause.trim()));
    }
    return new Selector(p);
  }

  boolean matches(JsonNode object) {
    return test.test(object);
  }

  /** Splits on commas outside parentheses ("a in (x,y),b"). */
  private static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    if (s == null || s.isBlank()) {
      return out;
    }
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '(') depth++;
      if (c == ')') depth--;
      if (c == ',' && depth == 0) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out.stream().filter(x -> !x.isBlank()).toList();
  }

  private static Predicate<JsonNode> labelClause(String c) {
    String[] setOp = c.split("\\s+(in|notin)\\s+", 2);
    if (setOp.length == 2) {
      String key = setOp[0].trim();
      Set<String> values =
          Arrays.stream(setOp[1].replace("(", "").replace(")", "").split(","))
              .map(String::trim)
              .collect(Collectors.toSet());
      boolean in = c.matches(".*\\s+in\\s+.*");
      return o -> {
        String v = label(o, key);
        return in ? v != null && values.contains(v) : v == null || !values.contains(v);
      };
    }
    if (c.contains("!=")) {
      String[] kv = c.split("!=", 2);
      return o -> !kv[1].trim().equals(label(o, kv[0].trim()));
    }
    if (c.contains("=")) {
      String[] kv = c.split("==?", 2);
      return o -> kv[1].trim().equals(label(o, kv[0].trim()));
    }
    if (c.startsWith("!")) {
      return o -> label(o, c.substring(1).trim()) == null;
    }
    return o -> label(o, c) != null;
  }

  private static Predicate<JsonNode> fieldClause(String c) {
    boolean negate = c.contains("!=");
    String[] kv = c.split(negate ? "!=" : "==?", 2);
    String[] path = kv[0].trim().split("\\.");
    String want = kv.length > 1 ? kv[1].trim() : "";
    return o -> {
      JsonNode n = o;
      for (String p : path) {
        n = n.path(p);
      }
      String have = n.isMissingNode() || n.isNull() ? "" : n.asText();
      return negate != want.equals(have);
    };
  }

  private static String label(JsonNode o, String key) {
    JsonNode v = o.path("metadata").path("labels").get(key);
    return v == null ? null : v.asText();
  }
}
