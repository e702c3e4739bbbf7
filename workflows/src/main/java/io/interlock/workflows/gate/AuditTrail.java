package io.interlock.workflows.gate;

import io.interlock.contract.values.AuditKind;
import io.interlock.contract.values.CallerText;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.AuditEntry;
import io.interlock.workflows.AuditMarker;
import io.interlock.workflows.StepBudget;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;

/**
 * The task's audit trail: every entry becomes a history marker; the newest are kept for the audit()
 * query.
 */
final class AuditTrail {
  private static final Logger log = Workflow.getLogger(AuditTrail.class);

  /** Audit entries the audit() query answers with (the newest, within StepBudget.AUDIT_BYTES). */
  static final int AUDIT_KEPT = 1_000;

  private final String taskId;
  private final ArrayDeque<AuditEntry> kept = new ArrayDeque<>();
  private final ArrayDeque<Integer> keptSizes = new ArrayDeque<>();
  private long keptBytes;
  private long seq;

  /** Commands are not allowed while the init constructor runs: its entries are marked by run(). */
  private boolean initializing = true;

  /**
   * Markers one workflow task may carry: the server refuses a task completion over 4 MiB and
   * terminates the workflow, and a burst of signals can record thousands of entries in one task.
   */
  static final long MARKER_BYTES_PER_TASK = 1 << 20;

  /**
   * Entries one marker carries, beyond its first: far below the payload limits (2 MB refused, 512
   * KB warned), while a task's entries usually make one marker per flush.
   */
  static final long BYTES_PER_MARKER = 256 << 10;

  /** One marker per flush (a marker costs the SDK a workflow thread), else one per entry. */
  private boolean inBatches;

  /** The workflow task (its started event's id) that recorded the oldest unmarked entry. */
  private long unmarkedSince;

  /** In batches: marker bytes written in workflow task {@link #markedIn}, by whichever thread. */
  private long markedBytes;

  private long markedIn;

  private final ArrayDeque<AuditEntry> unmarked = new ArrayDeque<>();
  private final ArrayDeque<Integer> unmarkedSizes = new ArrayDeque<>();

  AuditTrail(String taskId, long seq) {
    this.taskId = taskId;
    this.seq = seq;
  }

  void initialized() {
    initializing = false;
  }

  /** Set by the run before its first flush (see {@link RunVersion#auditInBatches}). */
  void markInBatches(boolean inBatches) {
    this.inBatches = inBatches;
  }

  long seq() {
    return seq;
  }

  List<AuditEntry> entries() {
    return List.copyOf(kept);
  }

  void record(String stepId, AuditKind kind, String actor, Map<String, Object> detail) {
    Map<String, Object> d = detail;
    if (!initializing) {
      // Entries caused by an update name it, so the audit pairs them with the exact update event.
      var update = Workflow.getCurrentUpdateInfo();
      if (update.isPresent()) {
        d = new LinkedHashMap<>(detail);
        d.put("updateId", update.get().getUpdateId());
      }
    }
    AuditEntry entry = new AuditEntry(++seq, now(), stepId, kind, actor, d);
    int size = StepBudget.bytes(entry);
    kept.addLast(entry);
    keptSizes.addLast(size);
    keptBytes += size;
    while (kept.size() > 1 && (kept.size() > AUDIT_KEPT || keptBytes > StepBudget.AUDIT_BYTES)) {
      kept.removeFirst();
      keptBytes -= keptSizes.removeFirst();
    }
    if (unmarked.isEmpty()) {
      unmarkedSince = Workflow.getInfo().getHistoryLength();
    }
    unmarked.addLast(entry);
    unmarkedSizes.addLast(size);
    // The history is the record; a log line per entry cost a twelfth of the workflow's CPU.
    log.debug("task={} step={} {} by {}", taskId, stepId, kind, actor);
  }

  /**
   * One long-lived thread writes audit markers, so a signal handler never blocks on a side effect:
   * a burst of signals then costs one short-lived thread each, never thousands of waiting ones. In
   * batches, while {@code localWork} says local activities still run it waits, but only within the
   * workflow task that recorded the oldest unmarked entry: a task's entries make one marker, not
   * one per stretch between local activities, and no caller's slow local activities hold them
   * longer than that task (which ends early only when a local activity outlasts its timeout).
   */
  void startWriter(BooleanSupplier localWork) {
    Async.procedure(
        () -> {
          while (true) {
            Workflow.await(
                () ->
                    !unmarked.isEmpty()
                        && !(inBatches
                            && localWork.getAsBoolean()
                            && Workflow.getInfo().getHistoryLength() == unmarkedSince));
            flush();
          }
        });
  }

  /**
   * In batches, the entries up to a write go into the history in the workflow task that schedules
   * it, whatever local work runs beside it (older runs marked them as the writer found them).
   */
  void flushBeforeWrite() {
    if (inBatches) {
      flush();
    }
  }

  /**
   * Writes the entries not yet in the history as markers, oldest first, at most {@link
   * #MARKER_BYTES_PER_TASK} per workflow task (a 1 ms timer ends the task between chunks; an entry
   * larger than that goes alone): the history alone carries the whole trail. Whichever thread
   * flushes takes from the head before it writes, so the order holds when the writer and the main
   * thread both flush, and in batches both count against one budget per workflow task.
   */
  void flush() {
    if (!inBatches) {
      flushOneByOne();
      return;
    }
    while (!unmarked.isEmpty()) {
      long task = Workflow.getInfo().getHistoryLength();
      if (task != markedIn) {
        markedIn = task;
        markedBytes = 0;
      }
      if (markedBytes > 0 && markedBytes + unmarkedSizes.peekFirst() > MARKER_BYTES_PER_TASK) {
        Workflow.sleep(Duration.ofMillis(1));
        continue;
      }
      List<AuditEntry> batch = new ArrayList<>();
      long bytes = 0;
      while (!unmarked.isEmpty()) {
        long size = unmarkedSizes.peekFirst();
        if (!batch.isEmpty()
            && (bytes + size > BYTES_PER_MARKER
                || markedBytes + bytes + size > MARKER_BYTES_PER_TASK)) {
          break;
        }
        batch.add(unmarked.removeFirst());
        unmarkedSizes.removeFirst();
        bytes += size;
      }
      markedBytes += bytes; // before the write, which may yield to the other flushing thread
      AuditMarker.write(batch);
    }
  }

  /** How runs before batches wrote their markers: kept exactly, so their histories replay. */
  private void flushOneByOne() {
    long written = 0;
    while (!unmarked.isEmpty()) {
      if (written >= MARKER_BYTES_PER_TASK) {
        Workflow.sleep(Duration.ofMillis(1));
        written = 0;
        continue;
      }
      AuditMarker.write(unmarked.removeFirst());
      written += unmarkedSizes.removeFirst();
    }
  }

  static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }

  /** Records why a step failed (bounded) and returns the state that failure leads to. */
  StepState failed(Step s, String why, AuditKind kind) {
    s.error = CallerText.bounded(why, StepBudget.ERROR_CHARS);
    record(s.stepId, kind, "engine", detail("tool", s.call.tool(), "error", s.error));
    return kind.leadsTo();
  }

  /** An ordered detail map that drops null values (Map.of refuses them). */
  static Map<String, Object> detail(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        m.put((String) kv[i], kv[i + 1]);
      }
    }
    return m;
  }
}
