package io.interlock.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * GET /api/approvals end to end: the built server jar runs as a subprocess (dev mode: embedded
 * Temporal test server, simulated cluster), N real tasks are started over REST, each with one write
 * that waits for approval, and the list is then timed over HTTP. A baseline N and the large N run
 * in the same invocation, each on a fresh server, and are reported as ratios.
 */
public final class ApprovalsEndToEndBenchmark {
  private static final String AGENT = "Bearer dev-incident-bot";
  private static final String APPROVER = "Bearer dev-alice";

  private ApprovalsEndToEndBenchmark() {}

  record Latency(
      String request, int entries, long bytes, double medianMs, double p99Ms, double maxMs) {
    String line() {
      return String.format(
          Locale.ROOT,
          "    %-40s median %8.2f ms   p99 %8.2f ms   max %8.2f ms   %,11d bytes  (%,d entries)",
          request,
          medianMs,
          p99Ms,
          maxMs,
          bytes,
          entries);
    }
  }

  record Run(
      int tasks,
      double createdSeconds,
      double pendingSeconds,
      int startErrors,
      List<Latency> latencies,
      double rssMiB,
      double temporalRssMiB) {
    double tasksPerSecond() {
      return tasks / pendingSeconds;
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    Path jar = o.jar();
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    Path dir = Files.createTempDirectory("interlock-bench-");
    System.out.printf(
        Locale.ROOT,
        "Interlock end-to-end benchmark: GET /api/approvals over HTTP, real dev server (%s), a fresh server per size; %s Temporal%n",
        jar,
        o.realTemporal
            ? "real (temporal server start-dev, SQLite: histories outside Interlock)"
            : "embedded (every history in the server's own heap)");
    System.out.printf(
        Locale.ROOT,
        "machine: %d cores, load average at start %s; %d concurrent POSTs; per request >= %d and >= 5 s of warm-up GETs, then %d timed GETs%n",
        Runtime.getRuntime().availableProcessors(),
        loadAverage(),
        o.concurrency,
        o.warmup,
        o.requests);
    Run base = run(o, http, jar, dir.resolve("n" + o.baseline), o.baseline);
    Run large = run(o, http, jar, dir.resolve("n" + o.tasks), o.tasks);
    System.out.println();
    System.out.println(
        "RESULT (same run, same machine; load average at end " + loadAverage() + ")");
    print(base);
    print(large);
    System.out.printf(
        Locale.ROOT,
        "  ratio %,d/%,d (entries x%.0f):%n",
        large.tasks,
        base.tasks,
        (double) large.tasks / base.tasks);
    for (int i = 0; i < base.latencies.size(); i++) {
      Latency b = base.latencies.get(i);
      Latency l = large.latencies.get(i);
      System.out.printf(
          Locale.ROOT,
          "    %-40s median %.1fx   p99 %.1fx   bytes %.1fx%n",
          b.request,
          l.medianMs / b.medianMs,
          l.p99Ms / b.p99Ms,
          (double) l.bytes / b.bytes);
    }
    System.out.printf(
        Locale.ROOT,
        "    creating tasks: %.1fx the time for x%.0f tasks (throughput %.1f vs %.1f tasks/s)%n",
        large.pendingSeconds / base.pendingSeconds,
        (double) large.tasks / base.tasks,
        large.tasksPerSecond(),
        base.tasksPerSecond());
  }

  private static void print(Run r) {
    System.out.printf(
        Locale.ROOT,
        "  %,d pending: created in %.1f s, all listed as pending after %.1f s (%.1f tasks/s); server RSS %.0f MiB%n",
        r.tasks,
        r.createdSeconds,
        r.pendingSeconds,
        r.tasksPerSecond(),
        r.rssMiB);
    if (r.temporalRssMiB >= 0) {
      System.out.printf(
          Locale.ROOT, "    (the Temporal server's own process: RSS %.0f MiB)%n", r.temporalRssMiB);
    }
    if (r.startErrors > 0) {
      System.out.printf(
          Locale.ROOT,
          "    (%d POST /api/tasks answered 5xx, yet all %,d tasks reached the inbox; see the server log)%n",
          r.startErrors,
          r.tasks);
    }
    r.latencies.forEach(l -> System.out.println(l.line()));
  }

  private static Run run(Options o, HttpClient http, Path jar, Path dir, int n) throws Exception {
    System.err.printf(
        Locale.ROOT,
        "[bench] starting a dev server for %,d tasks (log %s)%n",
        n,
        dir.resolve("server.log"));
    Files.createDirectories(dir);
    List<String> jvm = new ArrayList<>(o.serverJvm);
    try (TemporalDevServer temporal = o.realTemporal ? TemporalDevServer.start(dir) : null;
        DevServer server = DevServer.start(jar, TemporalDevServer.jvm(jvm, temporal), dir, http)) {
      long t0 = System.nanoTime();
      int startErrors = createTasks(http, server.base, n, o.concurrency);
      double created = seconds(t0);
      awaitPending(http, server.base, n);
      double pending = seconds(t0);
      System.err.printf(
          Locale.ROOT,
          "[bench] %,d tasks pending after %.1f s; timing GET /api/approvals%n",
          n,
          pending);
      List<Latency> latencies = new ArrayList<>();
      for (String request : o.paths) {
        latencies.add(measure(http, server.base, request, o.warmup, o.requests));
      }
      return new Run(
          n,
          created,
          pending,
          startErrors,
          latencies,
          server.rssMiB(),
          temporal == null ? -1 : temporal.rssMiB());
    }
  }

  /**
   * Starts n tasks over REST; returns how many POSTs answered 5xx (the pending count shows whether
   * they started).
   */
  private static int createTasks(HttpClient http, String base, int n, int concurrency)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger startErrors = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < concurrency; w++) {
        workers.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    String taskId = "bench-" + n + "-" + i;
                    // Replicas 3..9, never the live 2, so every step is a real change with a diff.
                    String body =
                        String.format(
                            Locale.ROOT,
                            "{\"taskId\":\"%s\",\"environment\":\"staging\",\"goal\":\"bench %d\",\"approvalTimeoutSeconds\":86400,"
                                + "\"steps\":[{\"tool\":\"k8s.scale\",\"args\":{\"namespace\":\"shop\",\"name\":\"web\",\"replicas\":%d}}]}",
                            taskId,
                            i,
                            3 + i % 7);
                    HttpResponse<String> r =
                        http.send(
                            HttpRequest.newBuilder(URI.create(base + "/api/tasks"))
                                .header("Authorization", AGENT)
                                .header("Content-Type", "application/json")
                                .timeout(Duration.ofMinutes(2))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() >= 500) {
                      // The server starts the workflow, then reads it back; a 5xx can come from the
                      // read-back alone,
                      // so it is counted here and the pending list below must still show every
                      // task.
                      startErrors.incrementAndGet();
                      System.err.printf(
                          Locale.ROOT,
                          "[bench]   POST %s answered %d: %s%n",
                          taskId,
                          r.statusCode(),
                          r.body());
                    } else if (r.statusCode() != 201) {
                      next.set(n);
                      throw new IllegalStateException(
                          "POST /api/tasks answered " + r.statusCode() + ": " + r.body());
                    }
                    if ((i + 1) % 1000 == 0) {
                      System.err.printf(Locale.ROOT, "[bench]   %,d tasks started%n", i + 1);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> w : workers) {
        w.get();
      }
      return startErrors.get();
    } finally {
      pool.shutdownNow();
    }
  }

  private static void awaitPending(HttpClient http, String base, int n) throws Exception {
    long start = System.nanoTime();
    long end = start + Duration.ofMinutes(10).toNanos();
    long nextReport = start + Duration.ofSeconds(10).toNanos();
    int seen = 0;
    while (System.nanoTime() < end) {
      seen = entries(get(http, base + "/api/approvals/summary").body());
      if (seen >= n) {
        return;
      }
      if (System.nanoTime() > nextReport) {
        System.err.printf(
            Locale.ROOT,
            "[bench]   %,d of %,d pending after %.0f s more%n",
            seen,
            n,
            seconds(start));
        nextReport += Duration.ofSeconds(10).toNanos();
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "only " + seen + " of " + n + " steps listed as pending 10 minutes after the last POST");
  }

  private static Latency measure(HttpClient http, String base, String request, int warmup, int runs)
      throws Exception {
    HttpResponse<byte[]> last = null;
    // At least warmup requests and 5 s of them: a 100-entry list needs many more calls than a
    // 10,000-entry one to be JIT-warm.
    long warmEnd = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    for (int i = 0; i < warmup || System.nanoTime() < warmEnd; i++) {
      last = get(http, base + request);
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      last = get(http, base + request);
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    int entries = entries(last.body());
    return new Latency(
        "GET " + request,
        entries,
        last.body().length,
        percentile(ms, 0.50),
        percentile(ms, 0.99),
        ms[runs - 1]);
  }

  private static HttpResponse<byte[]> get(HttpClient http, String url) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", APPROVER)
                .timeout(Duration.ofMinutes(1))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + url + " answered " + r.statusCode());
    }
    return r;
  }

  /** Entries in a pending-approvals JSON array: each has exactly one stepId. */
  private static int entries(byte[] json) {
    String s = new String(json, StandardCharsets.UTF_8);
    int count = 0;
    for (int i = s.indexOf("\"stepId\":"); i >= 0; i = s.indexOf("\"stepId\":", i + 1)) {
      count++;
    }
    return count;
  }

  private static double percentile(double[] sorted, double p) {
    return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static String loadAverage() {
    try {
      return String.join(
          " ", Arrays.asList(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
    } catch (Exception notLinux) {
      return "unknown";
    }
  }
}
