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
 * CPU time (ms) of a process's threads, by thread id, from Linux's /proc; a window's difference is
 * grouped by each thread's name at its end, digits dropped (so one pool is one line). Temporal's
 * workflow threads rename themselves per workflow, so they are one group.
 */
record ThreadCpu(Map<Long, Named> threads) {
  static final ThreadCpu ZERO = new ThreadCpu(Map.of());
  private static final long TICKS_PER_SECOND = 100;

  /** A thread's name and CPU time so far. */
  record Named(String name, long millis) {}

  static ThreadCpu of(long pid) {
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
    return new ThreadCpu(m);
  }

  private static String group(String name) {
    return name.startsWith("workflow") ? "workflow threads" : name.replaceAll("\\d+", "N");
  }

  /** Each live thread's CPU since {@code before} (threads that ended in between are not here). */
  ThreadCpu since(ThreadCpu before) {
    Map<Long, Named> m = new HashMap<>();
    threads.forEach(
        (tid, now) -> {
          Named then = before.threads.get(tid);
          m.put(tid, new Named(now.name(), now.millis() - (then == null ? 0 : then.millis())));
        });
    return new ThreadCpu(m);
  }

  /** Windows added up; a thread id reused across windows adds to the later name. */
  ThreadCpu plus(ThreadCpu other) {
    Map<Long, Named> m = new HashMap<>(threads);
    // Thread ids of different windows are kept apart: negative keys never collide with /proc's.
    long offset = -1L - m.size();
    for (Named n : other.threads.values()) {
      m.put(offset--, n);
    }
    return new ThreadCpu(m);
  }

  /**
   * The busiest groups per task, and what the process used beyond them (threads that ended inside
   * the windows, and rounding).
   */
  String perTask(int tasks, int top, long processMillis) {
    Map<String, Long> groups = new HashMap<>();
    threads.values().forEach(n -> groups.merge(n.name(), n.millis(), Long::sum));
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
