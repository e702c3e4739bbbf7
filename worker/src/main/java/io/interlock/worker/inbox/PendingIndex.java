package io.interlock.worker.inbox;

import io.interlock.contract.values.PendingApproval;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/**
 * Every write waiting for approval, across tasks, kept in memory as the workflows report it. It
 * replaces visibility list queries, which the embedded server lacks, and answers in microseconds.
 * Ordered by when each step started waiting, oldest first.
 */
@ApplicationScoped
public class PendingIndex {
  private final Map<String, PendingApproval> byKey = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<String, PendingApproval> bySince =
      new ConcurrentSkipListMap<>();

  public void put(PendingApproval p) {
    String key = key(p.taskId(), p.stepId());
    PendingApproval old = byKey.put(key, p);
    if (old != null) {
      bySince.remove(order(old));
    }
    bySince.put(order(p), p);
  }

  public void remove(String taskId, String stepId) {
    PendingApproval old = byKey.remove(key(taskId, stepId));
    if (old != null) {
      bySince.remove(order(old));
    }
  }

  public void removeTask(String taskId) {
    byKey.values().stream()
        .filter(p -> p.taskId().equals(taskId))
        .toList()
        .forEach(p -> remove(p.taskId(), p.stepId()));
  }

  /** Oldest first; at most {@code limit} entries. */
  public List<PendingApproval> list(int limit) {
    return list(limit, p -> true);
  }

  /** Oldest first; at most {@code limit} of the entries {@code shown} accepts. */
  public List<PendingApproval> list(int limit, Predicate<PendingApproval> shown) {
    List<PendingApproval> out = new ArrayList<>(Math.min(limit, bySince.size()));
    for (PendingApproval p : bySince.values()) {
      if (out.size() >= limit) {
        break;
      }
      if (shown.test(p)) {
        out.add(p);
      }
    }
    return out;
  }

  public List<PendingApproval> forTask(String taskId) {
    return byKey.values().stream()
        .filter(p -> p.taskId().equals(taskId))
        .sorted(Comparator.comparing(PendingApproval::stepId))
        .toList();
  }

  public int size() {
    return byKey.size();
  }

  private static String key(String taskId, String stepId) {
    return taskId + "\u0000" + stepId;
  }

  private static String order(PendingApproval p) {
    // ISO-8601 instants sort as text; the key makes entries with the same instant distinct.
    return (p.since() == null ? "" : p.since()) + "\u0000" + key(p.taskId(), p.stepId());
  }
}
