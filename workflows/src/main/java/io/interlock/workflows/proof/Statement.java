package io.interlock.workflows.proof;

import io.interlock.workflows.CanonicalJson;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The exact text a proof signs: {@link CanonicalJson} (sorted keys, no whitespace, absent fields
 * left out) of what was decided, on what, by whom, and for how long. Signers and the verifier build
 * it the same way from the same fields, so any edit to any field breaks the proof.
 *
 * <pre>{"approver":"alice","callHash":"sha256:…","comment":"ok","decision":"approve",
 *  "expiresAt":"2026-11-30T19:15:00Z","issuedAt":"2026-11-30T19:00:00Z","stepId":"s1",
 *  "task":"<first run id>","v":"interlock-approval/1"}</pre>
 */
public final class Statement {
  /** The SSH signature namespace: {@code ssh-keygen -Y sign -n interlock-approval}. */
  public static final String SSH_NAMESPACE = "interlock-approval";

  public static final String VERSION = "interlock-approval/1";
  public static final String APPROVE = "approve";
  public static final String REJECT = "reject";
  public static final String REQUEST = "request";

  /** A batch statement's version: its bytes can never equal a single step's statement. */
  public static final String BATCH_VERSION = "interlock-batch/1";

  private final Map<String, Object> fields;
  private final String identity;

  private Statement(String identity, Map<String, Object> fields) {
    this.identity = identity;
    this.fields = fields;
  }

  /**
   * An approval or rejection of one step.
   *
   * @param task the task's first run id (what a call hash binds the task by)
   * @param text the approver's comment, or the rejection's reason
   */
  public static Statement decision(
      String task,
      String stepId,
      String callHash,
      String approver,
      boolean approve,
      String text,
      String breakGlass,
      String issuedAt,
      String expiresAt) {
    Map<String, Object> f = new TreeMap<>();
    put(f, "task", task);
    put(f, "stepId", stepId);
    put(f, "callHash", callHash);
    put(f, "approver", approver);
    put(f, "decision", approve ? APPROVE : REJECT);
    put(f, approve ? "comment" : "reason", text);
    put(f, "breakGlass", breakGlass);
    put(f, "issuedAt", issuedAt);
    put(f, "expiresAt", expiresAt);
    f.put("v", VERSION);
    return new Statement(approver, f);
  }

  /** A requester asking for a task: binds the workflow id the client chose before starting it. */
  public static Statement request(
      String workflowId, String requester, String environment, String issuedAt, String expiresAt) {
    Map<String, Object> f = new TreeMap<>();
    put(f, "task", workflowId);
    put(f, "requester", requester);
    put(f, "environment", environment);
    put(f, "decision", REQUEST);
    put(f, "issuedAt", issuedAt);
    put(f, "expiresAt", expiresAt);
    f.put("v", VERSION);
    return new Statement(requester, f);
  }

  /**
   * One decision on many steps ({@link BatchStatement}): the entries are a list of {task, stepId,
   * callHash} objects, in the signer's order.
   */
  static Statement batch(
      String approver,
      boolean approve,
      String comment,
      List<Map<String, String>> entries,
      String issuedAt,
      String expiresAt) {
    Map<String, Object> f = new TreeMap<>();
    put(f, "approver", approver);
    put(f, "decision", approve ? APPROVE : REJECT);
    put(f, "comment", comment);
    f.put("entries", entries);
    put(f, "issuedAt", issuedAt);
    put(f, "expiresAt", expiresAt);
    f.put("v", BATCH_VERSION);
    return new Statement(approver, f);
  }

  /** Who the statement says is speaking: the approver, or the requester. */
  public String identity() {
    return identity;
  }

  public String issuedAt() {
    return (String) fields.get("issuedAt");
  }

  public String expiresAt() {
    return (String) fields.get("expiresAt");
  }

  /** The bytes that are signed. */
  public String canonical() {
    return CanonicalJson.ofValue(fields);
  }

  /** {@code sha256:<hex>} of {@link #canonical()}: the claim a signed token carries. */
  public String digest() {
    return CanonicalJson.sha256(canonical());
  }

  private static void put(Map<String, Object> f, String key, String value) {
    if (value != null && !value.isEmpty()) {
      f.put(key, value);
    }
  }

  @Override
  public String toString() {
    return canonical();
  }
}
