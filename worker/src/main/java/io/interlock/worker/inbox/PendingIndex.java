package io.interlock.worker.inbox;

import io.interlock.contract.values.PendingApproval;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Every write waiting for approval, across tasks, kept in memory as the workflows report it. It
 * replaces visibility list queries, which the embedded server lacks, and answers in microseconds.
 * Ordered by when each step started waiting, oldest first.
 */
@ApplicationScoped
public class PendingIndex {
  private final Map<String, Entry> byKey = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<String, Entry> bySince = new ConcurrentSkipListMap<>();

  /**
   * A pending approval and, once a list asked for it, its JSON (some 1.5 KB, dropped with the
   * entry): an entry never changes (a new report replaces it), so it is rendered once, not on every
   * list.
   */
  public static final class Entry {
    private final PendingApproval approval;
    private volatile Rendering rendering;

    /** Bytes and the function that made them: another function renders anew. */
    private record Rendering(Function<PendingApproval, byte[]> by, byte[] bytes) {}

    Entry(PendingApproval approval) {
      this.approval = approval;
    }

    public PendingApproval approval() {
      return approval;
    }

    /**
     * What {@code render} makes of this entry, made once per entry and function; the caller must
     * not change the array.
     */
    public byte[] rendered(Function<PendingApproval, byte[]> render) {
      Rendering r = rendering;
      if (r == null || r.by() != render) {
        // Two lists at once may both render it: the same bytes, so either may be kept.
        r = new Rendering(render, render.apply(approval));
        rendering = r;
      }
      return r.bytes();
    }
  }

  public void put(PendingApproval p) {
    String key = key(p.taskId(), p.stepId());
    Entry e = new Entry(p);
    Entry old = byKey.put(key, e);
    if (old != null) {
      bySince.remove(order(old.approval));
    }
    bySince.put(order(p), e);
  }

  public void remove(String taskId, String stepId) {
    Entry old = byKey.remove(key(taskId, stepId));
    if (old != null) {
      bySince.remove(order(old.approval));
    }
  }

  public void removeTask(String taskId) {
    byKey.values().stream()
        .map(Entry::approval)
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
    return entries(limit, shown).stream().map(Entry::approval).toList();
  }

  /** As {@link #list(int, Predicate)}, with each entry's memoized rendering at hand. */
  public List<Entry> entries(int limit, Predicate<PendingApproval> shown) {
    List<Entry> out = new ArrayList<>(Math.min(limit, bySince.size()));
    for (Entry e : bySince.values()) {
      if (out.size() >= limit) {
        break;
      }
      if (shown.test(e.approval)) {
        out.add(e);
      }
    }
    return out;
  }

  public List<PendingApproval> forTask(String taskId) {
    return byKey.values().stream()
        .map(Entry::approval)
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
