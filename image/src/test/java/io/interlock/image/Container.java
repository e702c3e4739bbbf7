package io.interlock.image;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The image's entrypoint run as a container runtime would, without one: in new mount and PID
 * namespaces ({@code unshare}, as root), chrooted into the unpacked root, as the image's user with
 * no supplementary groups, with only the image's environment plus {@code env}, a fresh /proc and
 * the device nodes a runtime provides. The host's network is shared, so it reaches servers on
 * 127.0.0.1. {@link #close} stops the entrypoint (PID 1 of its namespace, so everything in it).
 */
final class Container implements AutoCloseable {
  private final Process process;
  private final Path log;

  private Container(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static Container start(
      OciImage image, Path rootfs, List<String> args, Map<String, String> env, Path log) {
    devices(rootfs);
    String user = image.user();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "unshare",
                "--mount",
                "--pid",
                // The entrypoint as PID 1 of the new namespace (unforked, its threads fail).
                "--fork",
                "--mount-proc=/proc",
                "--root=" + rootfs,
                "--wd=" + image.workingDir(),
                "--setgid=" + user,
                "--setuid=" + user,
                "--"));
    cmd.addAll(image.entrypoint());
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().clear();
    pb.environment().putAll(image.env());
    pb.environment().putAll(env);
    try {
      return new Container(pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("unshare (util-linux) is needed to run the image: " + e, e);
    }
  }

  /** Runs to the end (bounded) and returns the exit code. */
  int waitFor() {
    try {
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        throw new AssertionError(
            "the container did not exit within 2 minutes; its output:\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Waits (bounded: 3 minutes on a loaded 2-core machine) until the output has {@code line}. */
  void awaitOutput(String line) {
    await("the container prints '" + line + "'")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(200))
        .failFast("the container exited:\n" + output(), () -> !alive())
        .until(() -> output().contains(line));
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * /dev/null, zero, random, urandom: what every runtime gives a container (the JVM reads them).
   */
  private static void devices(Path rootfs) {
    try {
      Files.createDirectories(rootfs.resolve("dev"));
      Files.createDirectories(rootfs.resolve("proc"));
      for (String[] d :
          new String[][] {{"null", "3"}, {"zero", "5"}, {"random", "8"}, {"urandom", "9"}}) {
        Path node = rootfs.resolve("dev").resolve(d[0]);
        if (!Files.exists(node)) {
          Process p =
              new ProcessBuilder("mknod", "-m", "666", node.toString(), "c", "1", d[1])
                  .inheritIO()
                  .start();
          if (p.waitFor() != 0) {
            throw new AssertionError("mknod " + node + " failed: running the image needs root");
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  /**
   * SIGTERM to the entrypoint, then SIGKILL after 30 s. Not through {@code unshare --kill-child}:
   * the kernel clears that parent-death signal when the child switches to the image's user.
   */
  @Override
  public void close() {
    List<ProcessHandle> inside = process.descendants().toList();
    inside.forEach(ProcessHandle::destroy);
    try {
      for (ProcessHandle h : inside) {
        h.onExit().get(30, TimeUnit.SECONDS);
      }
    } catch (TimeoutException | ExecutionException e) {
      inside.forEach(ProcessHandle::destroyForcibly);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroy();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
