package io.interlock.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command-line options of the benchmark; every one has a default that reproduces the README
 * figures.
 */
final class Options {
  static final String USAGE =
      """
      usage: java -jar bench/target-bench/interlock-bench.jar [options]     (run from the repository root)
        --jar PATH          server jar (default worker/target-bench/quarkus-app/quarkus-run.jar, built if missing)
        --baseline N        baseline pending count (default 100)
        --tasks N           large pending count (default 10000)
        --concurrency N     concurrent POST /api/tasks (default 8)
        --warmup N          untimed GETs before timing each request, and at least 5 s of them (default 20)
        --requests N        timed GETs per request (default 100)
        --path P            request to time, repeatable (default /api/approvals, /api/approvals/summary, /api/approvals?limit=50)
        --server-jvm ARG    extra JVM argument for the server, repeatable (e.g. --server-jvm -Xmx2g)
        --real-temporal     run against the real Temporal server (temporal server start-dev, SQLite)
                            instead of the embedded one: histories then live outside Interlock
      """;

  Path jar = Path.of("worker", "target-bench", "quarkus-app", "quarkus-run.jar");
  boolean jarGiven;
  int baseline = 100;
  int tasks = 10_000;
  int concurrency = 8;
  int warmup = 20;
  int requests = 100;
  List<String> paths = new ArrayList<>();
  List<String> serverJvm = new ArrayList<>();
  boolean realTemporal;

  static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        System.out.print(USAGE);
        System.exit(0);
      }
      if (a.equals("--real-temporal")) {
        o.realTemporal = true;
        continue;
      }
      if (i + 1 >= args.length) {
        fail("option " + a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--jar" -> {
          o.jar = Path.of(v);
          o.jarGiven = true;
        }
        case "--baseline" -> o.baseline = Integer.parseInt(v);
        case "--tasks" -> o.tasks = Integer.parseInt(v);
        case "--concurrency" -> o.concurrency = Integer.parseInt(v);
        case "--warmup" -> o.warmup = Integer.parseInt(v);
        case "--requests" -> o.requests = Integer.parseInt(v);
        case "--path" -> o.paths.add(v);
        case "--server-jvm" -> o.serverJvm.add(v);
        default -> fail("unknown option " + a);
      }
    }
    if (o.paths.isEmpty()) {
      o.paths.addAll(
          Arrays.asList("/api/approvals", "/api/approvals/summary", "/api/approvals?limit=50"));
    }
    return o;
  }

  /**
   * The server jar; the default one is built into a private folder (other builds use target/) when
   * missing.
   */
  Path jar() throws Exception {
    if (!Files.isRegularFile(jar) && !jarGiven && Files.isRegularFile(Path.of("mvnw"))) {
      System.err.println("[bench] " + jar + " is missing; building it (tests skipped)");
      int code =
          new ProcessBuilder(
                  "./mvnw",
                  "-B",
                  "-q",
                  "-pl",
                  "worker",
                  "-am",
                  "package",
                  "-Dmaven.test.skip=true",
                  "-Dbuild.dir=target-bench")
              .inheritIO()
              .start()
              .waitFor();
      if (code != 0) {
        fail("the build failed (exit " + code + ")");
      }
    }
    if (!Files.isRegularFile(jar)) {
      fail(jar.toAbsolutePath() + " not found; run from the repository root or pass --jar");
    }
    return jar.toAbsolutePath();
  }

  private static void fail(String why) {
    System.err.println("interlock-bench: " + why + "\n" + USAGE);
    System.exit(2);
  }
}
