package io.interlock.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Temporal server (the CLI's {@code temporal server start-dev}, SQLite) for a run against
 * real Temporal: histories then live in that process, as in production, not in Interlock's heap.
 */
public final class TemporalDevServer implements AutoCloseable {
  private final Process process;
  private final String target;

  private TemporalDevServer(Process process, String target) {
    this.process = process;
    this.target = target;
  }

  /** Starts it on a free port with its database and log in {@code dir}. */
  public static TemporalDevServer start(Path dir) throws IOException {
    int port = DevServer.freePort();
    Process p =
        new ProcessBuilder(
                "temporal",
                "server",
                "start-dev",
                "--headless",
                "--ip",
                "127.0.0.1",
                "--port",
                String.valueOf(port),
                "--db-filename",
                dir.resolve("temporal.db").toString(),
                "--log-level",
                "error")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("temporal.log").toFile())
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    return new TemporalDevServer(p, "127.0.0.1:" + port);
  }

  /** A dev server's JVM options, pointed at {@code temporal} when there is one (else embedded). */
  public static List<String> jvm(List<String> options, TemporalDevServer temporal) {
    if (temporal != null) {
      options.add("-Dinterlock.dev.temporal-target=" + temporal.target);
    }
    return options;
  }

  /** CPU time the Temporal server has used so far, in ms. */
  public long cpuMillis() {
    return DevServer.cpuMillis(process.toHandle());
  }

  /** Resident set size of the Temporal process in MiB, or -1 where unknown. */
  public double rssMiB() {
    return DevServer.rssMiB(process.pid());
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
