package io.interlock.workflows.gate;

import io.interlock.contract.values.BatchPolicy;
import java.util.Map;

/**
 * Which batch statement a decision came from and which of its entries was this step's; recorded
 * with every outcome so the audit shows the step's own entry.
 */
record BatchRef(String digest, int entry, int entries) {
  Map<String, Object> detail() {
    return AuditTrail.detail("statementDigest", digest, "entry", entry, "entries", entries);
  }

  /**
   * The batch rules of the step's policy (approvals.batch), or null when the step may be batched.
   */
  String refusal(Step s, String environment) {
    BatchPolicy rules = s.policy == null ? BatchPolicy.DEFAULT : s.policy.proofs().batch();
    if (entries > rules.maxEntries()) {
      return "batch too large: the statement holds "
          + entries
          + " entries and environment "
          + environment
          + " allows at most "
          + rules.maxEntries()
          + " per batch (approvals.batch.maxEntries); approve "
          + s.stepId
          + " in a smaller batch";
    }
    if (s.destructive && !rules.destructive()) {
      return "destructive step in a batch: "
          + s.call.tool()
          + " is destructive and environment "
          + environment
          + " sets approvals.batch.destructive: false; approve "
          + s.stepId
          + " on its own";
    }
    return null;
  }
}
