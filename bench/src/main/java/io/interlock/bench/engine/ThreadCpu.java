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
 * CPU time (ms) of a process's threads by name, digits dropped (so one pool is one line), from
 * Linux's /proc: what each part of the server (HTTP, Temporal, workflows, activities) costs.
 */
record ThreadCpu(Map<String, Long> millis) {
  static final ThreadCpu ZERO = new ThreadCpu(Map.of());
  private static final long TICKS_PER_SECOND = 100;

  static ThreadCpu of(long pid) {
    Map<String, Long> m = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      for (Path t : tasks.toList()) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          // comm is in parentheses and may hold spaces; utime and stime are fields 14 and 15.
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
          m.merge(name.replaceAll("\\d+", "N"), ticks * 1000 / TICKS_PER_SECOND, Long::sum);
        } catch (IOException | RuntimeException gone) {
          // The thread ended between the listing and the read.
        }
      }
    } catch (IOException notLinux) {
      // No /proc here: no breakdown.
    }
    return new ThreadCpu(m);
  }

  ThreadCpu since(ThreadCpu before) {
    Map<String, Long> m = new HashMap<>(millis);
    before.millis.forEach((k, v) -> m.merge(k, -v, Long::sum));
    return new ThreadCpu(m);
  }

  ThreadCpu plus(ThreadCpu other) {
    Map<String, Long> m = new HashMap<>(millis);
    other.millis.forEach((k, v) -> m.merge(k, v, Long::sum));
    return new ThreadCpu(m);
  }

  /** The busiest thread groups, per task. */
  String perTask(int tasks, int top) {
    return millis.entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top)
        .map(
            e ->
                String.format(Locale.ROOT, "%s %.2f ms", e.getKey(), (double) e.getValue() / tasks))
        .collect(Collectors.joining(", ", "server CPU per task by thread: ", ""));
  }
}
