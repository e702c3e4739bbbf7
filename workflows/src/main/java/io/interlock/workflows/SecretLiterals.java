package io.interlock.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.SecretRef;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rule {@value #RULE}: a Secret value never travels in a call, where the task's history, its audit
 * and every view of the step would keep it. A Secret's {@code data} and {@code stringData} hold
 * references ({@link SecretRef}) that the worker resolves. The propose validator and the start
 * input check this, so a refused call is never stored; the worker checks it again when it resolves
 * the call. The problem names the field, never the value.
 */
public final class SecretLiterals {
  public static final String RULE = "secret.by-reference";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The kind's names the catalog accepts for Secrets (any case). */
  private static final Pattern SECRET_KIND = Pattern.compile("(?i)secrets?");

  /** {@code kind: Secret} in a manifest or patch given as YAML or JSON text. */
  private static final Pattern SECRET_KIND_IN_TEXT =
      Pattern.compile(
          "(?im)[\"']?\\bkind[\"']?\\s*:\\s*(!!str\\s+)?[\"']?secrets?[\"']?\\s*([,}#]|$)");

  /** Arguments that may carry a manifest, patch or call as text. */
  private static final Set<String> TEXT_ARGUMENTS = Set.of("manifest", "patch", "args");

  private static final List<String> VALUE_FIELDS = List.of("data", "stringData");

  /** kubectl's copy of the whole object, values included. */
  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private SecretLiterals() {}

  /**
   * Why {@code call} carries a Secret value, naming the field and the rule; null when it does not.
   */
  public static String problem(ToolCall call) {
    return call.args() == null ? null : walk(JSON.valueToTree(call.args()), "args", null);
  }

  private static String walk(JsonNode node, String path, String key) {
    if (node.isObject()) {
      if (SECRET_KIND.matcher(node.path("kind").asText("")).matches()) {
        String p = secret(node, path);
        if (p != null) {
          return p;
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String p = walk(e.getValue(), path + "." + e.getKey(), e.getKey());
        if (p != null) {
          return p;
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String p = walk(node.get(i), path + "[" + i + "]", key);
        if (p != null) {
          return p;
        }
      }
    } else if (node.isTextual()
        && TEXT_ARGUMENTS.contains(key)
        && SECRET_KIND_IN_TEXT.matcher(node.asText()).find()) {
      return path
          + ": a Secret given as text; give it as a JSON object whose data values are references "
          + SecretRef.SHAPE
          + " (rule "
          + RULE
          + ")";
    }
    return null;
  }

  /** A Secret manifest, or a k8s.patch of a Secret ({kind, patch}). */
  private static String secret(JsonNode secret, String path) {
    String p = inSecret(secret, path);
    JsonNode patch = secret.get("patch");
    if (p == null && patch != null && patch.isTextual()) {
      p =
          path
              + ".patch: the patch of a Secret is given as a JSON object (its values as references "
              + SecretRef.SHAPE
              + "), not as text (rule "
              + RULE
              + ")";
    }
    if (p == null && patch != null && patch.isObject()) {
      p = inSecret(patch, path + ".patch");
    }
    return p;
  }

  /**
   * Why a Secret manifest, or a merge patch of a Secret, at {@code path} carries a value (or
   * kubectl's last-applied copy), naming the field and the rule; null when its values are all
   * references.
   */
  public static String inSecret(JsonNode secretOrPatch, String path) {
    String p = values(secretOrPatch, path);
    return p != null ? p : lastApplied(secretOrPatch, path);
  }

  private static String values(JsonNode holder, String path) {
    for (String field : VALUE_FIELDS) {
      JsonNode values = holder.get(field);
      if (values == null || values.isNull()) {
        continue;
      }
      if (!values.isObject()) {
        return path
            + "."
            + field
            + ": must map each key to a reference "
            + SecretRef.SHAPE
            + " (rule "
            + RULE
            + ")";
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isNull()) {
          continue; // a merge patch deleting the key
        }
        String at = path + "." + field + "." + e.getKey();
        var ref = SecretRef.of(e.getValue());
        if (ref.isEmpty()) {
          return at
              + ": a Secret value cannot be sent in a call (the task's history and audit would keep it; the value"
              + " is not shown here); give a reference instead, "
              + SecretRef.SHAPE
              + ", resolved by the worker from its"
              + " secret store (rule "
              + RULE
              + ")";
        }
        if (ref.get().problem() != null) {
          return at + ": " + ref.get().problem();
        }
      }
    }
    return null;
  }

  private static String lastApplied(JsonNode holder, String path) {
    return holder.path("metadata").path("annotations").has(LAST_APPLIED)
        ? path
            + ".metadata.annotations."
            + LAST_APPLIED
            + ": a Secret's last-applied copy would carry its values;"
            + " leave it out (Interlock applies server-side) (rule "
            + RULE
            + ")"
        : null;
  }
}
