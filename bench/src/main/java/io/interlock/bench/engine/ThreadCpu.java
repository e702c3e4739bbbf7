package io.interlock.bench.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU time (ms) a process's threads used in windows, by thread group: each thread's difference (by
 * thread id, from Linux's /proc) under its name at the window's end, digits dropped (so one pool is
 * one line). Temporal's workflow threads rename themselves per workflow: one group.
 */
record ThreadCpu(Map<String, Long> groups) {
  static final ThreadCpu ZERO = new ThreadCpu(Map.of());
  private static final long TICKS_PER_SECOND = 100;

  /** A thread's group and CPU time so far. */
  record Named(String group, long millis) {}

  /** Every live thread of the process now, by thread id. */
  static Map<Long, Named> snapshot(long pid) {
    Map<Long, Named> m = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      for (Path t : tasks.toList()) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          // comm is in parentheses and may hold spaces; utime and stime are fields 14 and 15.
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
          m.put(
              Long.parseLong(t.getFileName().toString()),
              new Named(group(name), ticks * 1000 / TICKS_PER_SECOND));
        } catch (IOException | RuntimeException gone) {
          // The thread ended between the listing and the read.
        }
      }
    } catch (IOException notLinux) {
      // No /proc here: no breakdown.
    }
    return m;
  }

  private static String group(String name) {
    return name.startsWith("workflow") ? "workflow threads" : name.replaceAll("\\d+", "N");
  }

  /** The window between two snapshots (threads that ended in between are not in it). */
  static ThreadCpu between(Map<Long, Named> before, Map<Long, Named> after) {
    Map<String, Long> g = new HashMap<>();
    after.forEach(
        (tid, now) -> {
          Named then = before.get(tid);
          g.merge(now.group(), now.millis() - (then == null ? 0 : then.millis()), Long::sum);
        });
    return new ThreadCpu(g);
  }

  ThreadCpu plus(ThreadCpu other) {
    Map<String, Long> g = new HashMap<>(groups);
    other.groups.forEach((k, v) -> g.merge(k, v, Long::sum));
    return new ThreadCpu(g);
  }

  /**
   * The busiest groups per task, and what the process used beyond them (threads that ended inside
   * the windows, and rounding).
   */
  String perTask(int tasks, int top, long processMillis) {
    long listed = groups.values().stream().mapToLong(Long::longValue).sum();
    String shown =
        groups.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .limit(top)
            .map(
                e ->
                    String.format(
                        Locale.ROOT, "%s %.2f ms", e.getKey(), (double) e.getValue() / tasks))
            .collect(Collectors.joining(", ", "server CPU per task by thread: ", ""));
    return shown
        + String.format(
            Locale.ROOT,
            "; ended threads and the rest %.2f ms",
            (double) (processMillis - listed) / tasks);
  }
}
