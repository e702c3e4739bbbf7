package io.interlock.worker.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.workflows.CanonicalJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Links report entries: each carries {@code prevHash} (the previous entry's hash, or the genesis
 * value) and {@code hash} = SHA-256 of the canonical JSON of the entry without {@code hash}.
 * Editing, inserting, removing or reordering any entry breaks the chain; the head hash pins the
 * last one.
 */
public final class HashChain {
  public static final String GENESIS = "sha256:" + "0".repeat(64);
  public static final String ALGORITHM =
      "hash = sha256(canonical JSON of the entry without 'hash': keys sorted, no whitespace); prevHash = previous entry's hash";

  private HashChain() {}

  /** Sets seq, prevHash and hash on each entry in order; returns the head hash. */
  static String link(List<ObjectNode> entries) {
    String prev = GENESIS;
    long seq = 1;
    for (ObjectNode e : entries) {
      e.put("seq", seq++);
      e.put("prevHash", prev);
      e.remove("hash");
      prev = CanonicalJson.sha256(CanonicalJson.of(e));
      e.put("hash", prev);
    }
    return prev;
  }

  /** What verification found; {@code problems} is empty when the report is intact. */
  public record Result(boolean intact, int entries, String head, List<String> problems) {}

  /** {@code signature} ({@link AuditSigner}) is allowed but not chained: it signs the rest. */
  private static final Set<String> TOP_LEVEL = Set.of("format", "chain", "entries", "signature");

  /** Checks a whole exported report (JSON). */
  public static Result verify(JsonNode report) {
    List<String> problems = new ArrayList<>();
    report
        .fieldNames()
        .forEachRemaining(
            n -> {
              if (!TOP_LEVEL.contains(n)) {
                problems.add("unexpected top-level field '" + n + "' is not covered by the chain");
              }
            });
    JsonNode entries = report.get("entries");
    if (entries == null || !entries.isArray() || entries.isEmpty()) {
      problems.add("no entries");
      return new Result(false, 0, null, problems);
    }
    String prev = GENESIS;
    long seq = 1;
    for (JsonNode e : (ArrayNode) entries) {
      String where = "entry " + seq;
      if (!e.isObject()) {
        problems.add(where + ": not an object");
        break;
      }
      if (e.path("seq").asLong(-1) != seq) {
        problems.add(
            where
                + ": seq is "
                + e.path("seq")
                + ", expected "
                + seq
                + " (entries removed or reordered)");
      }
      if (!prev.equals(e.path("prevHash").asText())) {
        problems.add(
            where
                + ": prevHash does not match the previous entry's hash (an entry was removed, inserted or changed)");
      }
      ObjectNode copy = ((ObjectNode) e).deepCopy();
      copy.remove("hash");
      String actual = CanonicalJson.sha256(CanonicalJson.of(copy));
      if (!actual.equals(e.path("hash").asText())) {
        problems.add(
            where + " (" + e.path("kind").asText() + "): content does not match its hash (edited)");
      }
      prev = e.path("hash").asText();
      seq++;
    }
    String head = report.path("chain").path("head").asText(null);
    if (head == null || !head.equals(prev)) {
      problems.add(
          "chain head "
              + head
              + " does not match the last entry's hash "
              + prev
              + " (entries removed at the end?)");
    }
    return new Result(problems.isEmpty(), entries.size(), prev, problems);
  }
}
