package io.interlock.worker.crash;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One process of the topology, started from a fixed command line so it can be killed with SIGKILL
 * ({@link Process#destroyForcibly()}) and started again exactly as before. Its output goes to a log
 * file, appended across restarts.
 */
final class ServerProcess implements AutoCloseable {
  private final String name;
  private final List<String> command;
  private final Path log;
  private Process process;
  private int starts;

  ServerProcess(String name, List<String> command, Path log) {
    this.name = name;
    this.command = List.copyOf(command);
    this.log = log;
  }

  /** Starts the process and waits until its log shows {@code ready} (written after this start). */
  ServerProcess start(String ready, Duration patience) {
    long from = size();
    try {
      Files.writeString(
          log,
          "\n==== start " + (++starts) + " of " + name + " at " + Instant.now() + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
    if (ready != null) {
      awaitLog(ready, from, patience);
    }
    return this;
  }

  /** kill -9: no shutdown hook, no graceful close, nothing flushed. */
  void kill9() {
    Process p = process;
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError(name + " survived SIGKILL for 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted killing " + name);
    }
    if (p.exitValue() != 137) {
      throw new AssertionError(name + " exited " + p.exitValue() + " instead of 137 (SIGKILL)");
    }
  }

  /** SIGSTOP / SIGCONT: the process keeps its sockets but runs nothing until continued. */
  void signal(String sig) {
    try {
      Process k =
          new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start();
      if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
        throw new AssertionError("kill -" + sig + " " + name + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted signalling " + name);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private long size() {
    try {
      return Files.exists(log) ? Files.size(log) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private void awaitLog(String ready, long from, Duration patience) {
    try {
      await(name + " logging '" + ready + "'")
          .atMost(patience)
          .until(
              () -> {
                String text = logText();
                if (text.length() > from
                    && text.substring((int) Math.min(from, text.length())).contains(ready)) {
                  return true;
                }
                // A dead process never logs it: fail now, with its log.
                if (!process.isAlive()) {
                  throw new AssertionError(name + " exited; its log:\n" + tail(text));
                }
                return false;
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          name + " never logged '" + ready + "'; its log:\n" + tail(logText()), e);
    }
  }

  static String tail(String text) {
    return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
