package io.interlock.worker.temporal;

import static org.awaitility.Awaitility.await;

import io.interlock.worker.FreePorts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Temporal server ({@code temporal server start-dev}, SQLite in a temp dir) as its own
 * process for one test class; dev mode is pointed at it through {@code
 * interlock.dev.temporal-target}. With the init arg {@code ui=true} it also serves the Temporal Web
 * UI, at {@link #UI_URL}.
 */
public class TemporalCliDevServer implements QuarkusTestResourceLifecycleManager {
  /**
   * Config key of the UI's base URL (outside {@code interlock.*}, whose mapping refuses unknown
   * keys).
   */
  public static final String UI_URL = "temporal-dev-server.ui-url";

  private static final Duration STARTUP = Duration.ofSeconds(45);

  private Process server;
  private Path dir;
  private boolean ui;

  @Override
  public void init(Map<String, String> initArgs) {
    ui = Boolean.parseBoolean(initArgs.getOrDefault("ui", "false"));
  }

  @Override
  public Map<String, String> start() {
    Path binary = TemporalCli.binary();
    String version = TemporalCli.exec(binary, List.of("--version")).ok().out();
    if (!version.contains("temporal version " + TemporalCli.VERSION)) {
      throw new AssertionError(
          "expected the Temporal CLI "
              + TemporalCli.VERSION
              + ", found: "
              + version.trim()
              + "; run ./interlock test");
    }
    int[] ports = FreePorts.of(4);
    String address = "127.0.0.1:" + ports[0];
    List<String> cmd =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "server",
                "start-dev",
                "--ip",
                "127.0.0.1",
                "--port",
                String.valueOf(ports[0]),
                "--http-port",
                String.valueOf(ports[1]),
                "--metrics-port",
                String.valueOf(ports[2]),
                "--log-level",
                "error"));
    // The UI would otherwise fetch a news feed from the internet on every page.
    cmd.addAll(
        ui
            ? List.of(
                "--ui-ip",
                "127.0.0.1",
                "--ui-port",
                String.valueOf(ports[3]),
                "--ui-disable-news-fetch")
            : List.of("--headless"));
    try {
      dir = Files.createTempDirectory("interlock-temporal");
      cmd.addAll(List.of("--db-filename", dir.resolve("temporal.db").toString()));
      server =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("server.log").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitServing(binary, address);
    if (!ui) {
      return Map.of("interlock.dev.temporal-target", address);
    }
    String uiUrl = "http://127.0.0.1:" + ports[3];
    awaitUi(uiUrl);
    return Map.of("interlock.dev.temporal-target", address, UI_URL, uiUrl);
  }

  /**
   * The UI server starts after the frontend; its settings endpoint answers once it serves pages.
   */
  private void awaitUi(String uiUrl) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String[] last = {"no answer"};
    awaitServer(
        "the Temporal Web UI serving " + uiUrl + " with signals enabled",
        () -> {
          try {
            HttpResponse<String> r =
                http.send(
                    HttpRequest.newBuilder(URI.create(uiUrl + "/api/v1/settings"))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            last[0] = "HTTP " + r.statusCode() + ": " + r.body();
            return r.statusCode() == 200 && r.body().contains("\"WorkflowSignalDisabled\":false");
          } catch (IOException e) {
            last[0] = e.toString();
            return false;
          }
        },
        () -> "last: " + last[0]);
  }

  /**
   * Waits until {@code ready} answers true; a server that exits or never gets there is stopped and
   * its log shown.
   */
  private void awaitServer(String what, Callable<Boolean> ready, Supplier<String> lastSeen) {
    try {
      await(what)
          .atMost(STARTUP)
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                if (!server.isAlive()) {
                  throw new AssertionError("the server exited");
                }
                return ready.call();
              });
    } catch (ConditionTimeoutException | AssertionError e) {
      String log = read(dir.resolve("server.log"));
      stop();
      throw new AssertionError(
          "never saw " + what + " (" + lastSeen.get() + "); the server's log:\n" + log, e);
    }
  }

  private void awaitServing(Path binary, String address) {
    awaitServer(
        "temporal server start-dev answering SERVING on " + address,
        () -> {
          TemporalCli.Result health =
              TemporalCli.exec(
                  binary, List.of("operator", "cluster", "health", "--address", address));
          return health.code() == 0 && health.out().contains("SERVING");
        },
        () -> "no SERVING answer");
  }

  @Override
  public void stop() {
    if (server != null) {
      server.descendants().forEach(ProcessHandle::destroy);
      server.destroy();
      try {
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      } catch (InterruptedException e) {
        server.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      server = null;
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temp dir left behind is harmless
      }
      dir = null;
    }
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
