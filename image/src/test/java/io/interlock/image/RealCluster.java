package io.interlock.image;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real control plane of deploy/control-plane (kube-apiserver, controllers, etcd, kwok), started
 * by its start.sh for this JVM and stopped by its stop.sh, driven with kubectl; its audit log says
 * what was written, by whom.
 */
final class RealCluster implements AutoCloseable {
  private static final Path SCRIPTS = Path.of("../deploy/control-plane").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;
  private final String server;

  private RealCluster(Path dir, String server) {
    this.dir = dir;
    this.server = server;
  }

  static RealCluster start() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "bash",
                SCRIPTS.resolve("start.sh").toString(),
                "--watch",
                Long.toString(ProcessHandle.current().pid()))
            .redirectError(ProcessBuilder.Redirect.PIPE)
            .start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    String err = new String(p.getErrorStream().readAllBytes());
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new AssertionError(
          "deploy/control-plane/start.sh failed; build the control plane with deploy/control-plane/build.sh"
              + " (./interlock test does):\n"
              + err);
    }
    Path dir = Path.of(out);
    String server = null;
    for (String line : Files.readAllLines(dir.resolve("env"))) {
      if (line.startsWith("API_SERVER=")) {
        server = line.substring("API_SERVER=".length());
      }
    }
    return new RealCluster(dir, server);
  }

  /** https://127.0.0.1:PORT */
  String server() {
    return server;
  }

  Path ca() {
    return dir.resolve("ca.crt");
  }

  /** kubectl as the cluster's admin (system:masters); fails on a non-zero exit. */
  String kubectl(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of("kubectl", "--kubeconfig", dir.resolve("admin.kubeconfig").toString()));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("kubectl is needed (./interlock test installs it)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  /**
   * Writes the server persisted for {@code user} whose URI contains {@code fragment}: {@code "verb
   * URI"}, dry runs and refused requests left out. Waits until the audit log holds a marker written
   * now, so every write that returned before this call is in it.
   */
  List<String> mutations(String user, String fragment) throws IOException, InterruptedException {
    String marker = "audit-marker-" + UUID.randomUUID();
    kubectl("create", "configmap", marker, "-n", "default");
    Path log = dir.resolve("audit.log");
    List<String> lines =
        await("the audit log " + log + " records the marker write")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(50))
            .until(
                () -> Files.readAllLines(log), ls -> ls.stream().anyMatch(l -> l.contains(marker)));
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      JsonNode e = JSON.readTree(line);
      String uri = e.path("requestURI").asText();
      if (user.equals(e.path("user").path("username").asText())
          && e.path("responseStatus").path("code").asInt(0) < 400
          && !uri.contains("dryRun=")
          && !uri.startsWith("/apis/authorization.k8s.io/")
          && uri.contains(fragment)) {
        out.add(e.path("verb").asText() + " " + uri);
      }
    }
    return out;
  }

  @Override
  public void close() {
    try {
      new ProcessBuilder("bash", SCRIPTS.resolve("stop.sh").toString(), dir.toString())
          .inheritIO()
          .start()
          .waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
