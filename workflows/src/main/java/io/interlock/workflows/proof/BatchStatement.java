package io.interlock.workflows.proof;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One decision on a chosen set of steps, possibly across tasks: what a batch proof signs. Its
 * canonical JSON (sorted keys, no whitespace, entries in the signer's order) is hashed, and that
 * digest is what the one SSH signature or issuer token covers. Each task acts only on the entries
 * naming its own first run id.
 *
 * <pre>{"approver":"alice","comment":"incident 42","decision":"approve","entries":[{"callHash":
 *  "sha256:…","stepId":"s1","task":"<first run id>"}],"expiresAt":"…","issuedAt":"…",
 *  "v":"interlock-batch/1"}</pre>
 *
 * @param approver who decides (the proof's identity)
 * @param decision {@code approve} or {@code reject}
 * @param comment the approval's comment, or the rejection's reason (required to reject)
 * @param issuedAt ISO-8601 UTC, the same as the proof's
 * @param expiresAt ISO-8601 UTC, the same as the proof's; no later than any entry's deadline
 * @param entries the exact calls decided on, at most {@value #MAX_ENTRIES}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchStatement(
    String approver,
    String decision,
    String comment,
    String issuedAt,
    String expiresAt,
    List<Entry> entries) {
  /** Hard cap on entries whatever the policy says: a hostile batch stays small. */
  public static final int MAX_ENTRIES = 100;

  static final int MAX_ID = 128;
  static final int MAX_TEXT = 2_000;

  /**
   * One exact call in the batch.
   *
   * @param task the task's first run id ({@code taskRunId} in its status), as its call hash binds
   *     it
   */
  public record Entry(String task, String stepId, String callHash) {}

  /** Whether the statement approves (else it rejects). */
  @JsonIgnore
  public boolean approving() {
    return Statement.APPROVE.equals(decision);
  }

  /** What the proof is checked against. */
  public Statement statement() {
    List<Map<String, String>> list = new ArrayList<>();
    for (Entry e : entries) {
      Map<String, String> m = new TreeMap<>();
      m.put("task", e.task());
      m.put("stepId", e.stepId());
      m.put("callHash", e.callHash());
      list.add(m);
    }
    return Statement.batch(approver, approving(), comment, list, issuedAt, expiresAt);
  }

  /** {@code sha256:<hex>} of the canonical statement: what the proof signs. */
  public String digest() {
    return statement().digest();
  }

  /**
   * Why the statement is malformed or too large to act on, before any entry is looked at; null when
   * it is well formed.
   */
  public String problem() {
    if (entries == null || entries.isEmpty()) {
      return "a batch statement needs entries: [{task, stepId, callHash}, ...]";
    }
    if (entries.size() > MAX_ENTRIES) {
      return "a batch holds at most "
          + MAX_ENTRIES
          + " entries, this one "
          + entries.size()
          + "; split it";
    }
    if (!Statement.APPROVE.equals(decision) && !Statement.REJECT.equals(decision)) {
      return "decision must be 'approve' or 'reject', not '" + ProofRefused.shown(decision) + "'";
    }
    if (blank(approver) || length(approver) > MAX_ID) {
      return "approver is required, at most " + MAX_ID + " characters";
    }
    if (length(comment) > MAX_TEXT) {
      return "comment is at most " + MAX_TEXT + " characters (got " + length(comment) + ")";
    }
    if (!approving() && blank(comment)) {
      return "a batch rejection needs a reason: set comment";
    }
    if (length(issuedAt) > MAX_ID || length(expiresAt) > MAX_ID) {
      return "issuedAt and expiresAt are ISO-8601 instants";
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (e == null || blank(e.task()) || blank(e.stepId()) || blank(e.callHash())) {
        return "entry " + i + " needs task, stepId and callHash";
      }
      if (length(e.task()) > MAX_ID
          || length(e.stepId()) > MAX_ID
          || length(e.callHash()) > MAX_ID) {
        return "entry " + i + ": task, stepId and callHash are at most " + MAX_ID + " characters";
      }
      if (!seen.add(e.task() + "/" + e.stepId())) {
        return "entry "
            + i
            + " names step "
            + ProofRefused.shown(e.stepId())
            + " of task "
            + ProofRefused.shown(e.task())
            + " again; list each step once";
      }
    }
    return null;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }
}
