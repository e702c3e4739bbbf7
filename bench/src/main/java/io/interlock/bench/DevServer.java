package io.interlock.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real dev server ({@code java -jar quarkus-run.jar dev}) as a subprocess on free ports, its
 * state in memory and its kubeconfig and log in a private folder.
 */
public final class DevServer implements AutoCloseable {
  public final String base;
  final Path log;
  private final Process process;

  private DevServer(Process process, String base, Path log) {
    this.process = process;
    this.base = base;
    this.log = log;
  }

  public static DevServer start(Path jar, List<String> jvmArgs, Path dir, HttpClient http)
      throws Exception {
    Files.createDirectories(dir);
    int port = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    // Port 0: the embedded Temporal takes a free port, so runs never collide with a developer's
    // :7233.
    cmd.add("-Dinterlock.dev.temporal-port=0");
    cmd.add("-Dinterlock.dev.kubeconfig-path=" + dir.resolve("kubeconfig"));
    cmd.addAll(List.of("-jar", jar.toString(), "dev", "--port", String.valueOf(port)));
    Path log = dir.resolve("server.log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    DevServer server = new DevServer(p, "http://127.0.0.1:" + port, log);
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    server.awaitReady(http, Duration.ofMinutes(3));
    return server;
  }

  private void awaitReady(HttpClient http, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    HttpRequest info =
        HttpRequest.newBuilder(URI.create(base + "/api/info"))
            .header("Authorization", "Bearer dev-alice")
            .timeout(Duration.ofSeconds(5))
            .build();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the server exited with " + process.exitValue() + "; see " + log);
      }
      try {
        if (http.send(info, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the server did not answer within " + timeout + "; see " + log);
  }

  /** Resident set size of the server process in MiB (Linux /proc), or -1 where unknown. */
  public double rssMiB() {
    return rssMiB(process.pid());
  }

  /** The server's log file (its folder holds what a run writes beside it). */
  public Path log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  /** Runs {@code jcmd <server> args}: a flight recording of one phase, for a profile. */
  public void jcmd(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    cmd.add(String.valueOf(process.pid()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + String.join(" ", args) + " failed: " + out);
    }
  }

  /** CPU time the server has used so far, in ms (its own threads, not its children's). */
  public long cpuMillis() {
    return cpuMillis(process.toHandle());
  }

  /** CPU time the processes the server started (the simulated cluster) have used so far, in ms. */
  public long childrenCpuMillis() {
    return process.descendants().mapToLong(DevServer::cpuMillis).sum();
  }

  static long cpuMillis(ProcessHandle p) {
    return p.info().totalCpuDuration().map(d -> d.toMillis()).orElse(0L);
  }

  /** Resident set size of a process in MiB (Linux /proc), or -1 where unknown. */
  static double rssMiB(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException notLinux) {
      // No /proc here.
    }
    return -1;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
