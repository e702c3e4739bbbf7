package io.interlock.workflows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.contract.values.CallerText;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.contract.values.Preview;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Byte budgets that keep what a task answers and carries far below Temporal's limits (4 MB per
 * message, 2 MB per payload) whatever its callers send: open steps share one budget, a preview has
 * its own, and finished steps beyond the newest ones are held compact (the history keeps them
 * whole).
 */
public final class StepBudget {
  /** Open steps' views together, checked before a proposal is accepted. */
  public static final int OPEN_BYTES = 1024 * 1024;

  /** One preview as the step holds it and approvers see it. */
  public static final int PREVIEW_BYTES = 192 * 1024;

  /** Finished steps held whole besides the newest one; older ones are compacted. */
  public static final int FINISHED_BYTES = 256 * 1024;

  /** Characters of an error or a policy reason a step keeps. */
  public static final int ERROR_CHARS = 4096;

  /** Bytes of what a policy decision observed (its keys are not counted: they are policy's own). */
  public static final int OBSERVED_BYTES = 16 * 1024;

  /** Audit entries the audit() query answers with, newest first. */
  public static final int AUDIT_BYTES = 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private StepBudget() {}

  public static int bytes(Object value) {
    // Counted as written: the budget needs the size, never the bytes.
    var counted = new ByteCount();
    try {
      JSON.writeValue(counted, value);
      return counted.size > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) counted.size;
    } catch (IOException e) {
      return Integer.MAX_VALUE; // what cannot be measured never fits
    }
  }

  /** An output stream that keeps only how many bytes went through it. */
  private static final class ByteCount extends OutputStream {
    private long size;

    @Override
    public void write(int b) {
      size++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      size += len;
    }
  }

  /** Why a call of {@code callBytes} cannot join open steps holding {@code openBytes}, or null. */
  public static String openProblem(String taskId, int openBytes, int callBytes) {
    // The call's preview is still to come: reserve its budget too.
    long needed = (long) openBytes + callBytes + PREVIEW_BYTES;
    return needed <= OPEN_BYTES
        ? null
        : "task "
            + taskId
            + " has open calls holding "
            + openBytes
            + " bytes; this call ("
            + callBytes
            + " bytes, plus up to "
            + PREVIEW_BYTES
            + " for its preview) would exceed the "
            + OPEN_BYTES
            + " byte budget of open calls; approve, reject or wait for open steps, or start a new task";
  }

  /** The decision with its reason and observations bounded: they may repeat what a caller sent. */
  public static PolicyDecision bounded(PolicyDecision d) {
    if (d == null) {
      return null;
    }
    String reason = CallerText.bounded(d.reason(), ERROR_CHARS);
    java.util.Map<String, Object> observed =
        bytes(d.observed()) <= OBSERVED_BYTES
            ? d.observed()
            : java.util.Map.of(
                "omitted",
                "observations of "
                    + bytes(d.observed())
                    + " bytes; the policy activity's result in"
                    + " the history has them");
    if (reason == d.reason() && observed == d.observed()) {
      return d;
    }
    return new PolicyDecision(
        d.allowed(),
        d.ruleId(),
        reason,
        d.requiredApprovals(),
        d.approvers(),
        d.policyVersion(),
        d.stage(),
        observed,
        d.maxApprovalSeconds(),
        d.verifyBudgetSeconds(),
        d.overridableBy(),
        d.proofs());
  }

  /**
   * The preview itself when small enough; else without the intended object, then with its diff cut.
   */
  public static Preview bounded(Preview p) {
    if (p == null || bytes(p) <= PREVIEW_BYTES) {
      return p;
    }
    List<String> warnings = new java.util.ArrayList<>(p.warnings());
    warnings.add(
        "preview of "
            + bytes(p)
            + " bytes cut to "
            + PREVIEW_BYTES
            + ": the intended object is left out and the diff keeps its head; the call's args are whole");
    String diff = p.diff();
    int room = PREVIEW_BYTES / 2;
    if (diff != null && diff.length() > room) {
      diff =
          diff.substring(0, room)
              + "\n… diff cut at "
              + room
              + " characters of "
              + p.diff().length();
    }
    String dryRun = p.dryRun();
    if (dryRun != null && dryRun.length() > 4096) {
      dryRun = dryRun.substring(0, 4096) + " …";
    }
    return new Preview(p.target(), p.summary(), diff, dryRun, null, warnings);
  }
}
