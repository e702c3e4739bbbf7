package io.interlock.workflows.gate;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code callHash}: SHA-256 over the canonical JSON (sorted keys, no whitespace) of everything an
 * approver is shown for one step, so an approval names exactly one call. Pure and deterministic.
 */
public final class CallHash {
  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  private CallHash() {}

  /** The canonical JSON the hash is taken over (also shown in the audit). */
  public static String canonicalJson(Step step, String taskRunId, String environment) {
    Map<String, Object> bound = new LinkedHashMap<>();
    // The chain's first run id identifies the task inside its own history (a workflow id is not in
    // it).
    bound.put("task", taskRunId);
    bound.put("stepId", step.stepId);
    bound.put("environment", environment);
    bound.put("tool", step.call.tool());
    bound.put("args", step.call.args());
    bound.put("target", step.preview == null ? null : step.preview.target());
    bound.put("preview", step.preview);
    bound.put(
        "policy",
        step.policy == null
            ? null
            : Map.of(
                "ruleId", String.valueOf(step.policy.ruleId()),
                "requiredApprovals", step.policy.requiredApprovals(),
                "policyVersion", String.valueOf(step.policy.policyVersion())));
    bound.put("deadline", step.deadline);
    bound.put("rollbackOf", step.rollbackOf);
    try {
      return CANONICAL.writeValueAsString(CANONICAL.valueToTree(bound));
    } catch (Exception e) {
      throw new IllegalStateException("cannot serialise call for hashing", e);
    }
  }

  public static String of(Step step, String taskRunId, String environment) {
    return "sha256:" + sha256(canonicalJson(step, taskRunId, environment));
  }

  static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
