package io.interlock.bench.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.interlock.bench.DevServer;
import io.interlock.bench.TemporalDevServer;
import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The engine's figures in one run against the real dev server, each beside a baseline measured in
 * the same run: reads against a direct API call and a {@code kubectl} subprocess; tasks/s against a
 * minimal Temporal workflow with as many activities as the engine's path; the 500-step audit
 * against a 50-step one. README: bench/README.md.
 */
public final class EngineBenchmark {
  private static final Map<String, Object> READ =
      Map.of(
          "tool",
          "k8s.get",
          "args",
          Map.of("kind", "Deployment", "namespace", "shop", "name", "web"));

  private final Api api;
  private final KubernetesClient k8s;
  private final Path kubeconfig;
  private final Options o;
  private final List<String> table = new ArrayList<>();

  /** A figure is printed as soon as it is measured, and again in the table at the end. */
  private void figure(String line) {
    System.out.println("  " + line);
    table.add(line);
  }

  /** The processes under test: the server (with the simulated cluster), Temporal when apart. */
  private final DevServer server;

  private final TemporalDevServer temporal;

  private EngineBenchmark(
      Api api,
      KubernetesClient k8s,
      Path kubeconfig,
      Options o,
      DevServer server,
      TemporalDevServer temporal) {
    this.api = api;
    this.k8s = k8s;
    this.kubeconfig = kubeconfig;
    this.o = o;
    this.server = server;
    this.temporal = temporal;
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    Path dir = Files.createTempDirectory("interlock-engine-bench");
    // HTTP/1.1 by default, as agents' clients speak it to an http:// URL (curl, Python, Node); the
    // JDK's client would otherwise upgrade to cleartext HTTP/2, which few of them do.
    HttpClient http =
        HttpClient.newBuilder()
            .version(o.http2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    List<String> jvm = new ArrayList<>(o.serverJvm);
    jvm.add("-Dinterlock.dev.rollout-step=" + o.rolloutStep);
    jvm.add("-Dinterlock.verify-poll-interval=" + o.verifyPoll);
    if (o.jfr != null) {
      // Recording from launch: starting one later changes the JVM's tool state, which throws
      // away compiled code, so the window would profile a JVM compiling again.
      jvm.add("-XX:StartFlightRecording=name=bench,maxage=30m,settings=" + o.jfrSettings);
    }
    System.out.printf(
        Locale.ROOT,
        "Interlock engine benchmark: %s Temporal, REST over %s, %d cores, load average at start"
            + " %.2f, rollout step %s, verify poll %s (log %s)%n",
        o.realTemporal ? "real (temporal server start-dev, SQLite)" : "embedded (Java test server)",
        (o.http2 ? "cleartext HTTP/2" : "HTTP/1.1") + (o.jfr == null ? "" : ", JFR recording"),
        Runtime.getRuntime().availableProcessors(),
        load(),
        o.rolloutStep,
        o.verifyPoll,
        dir);
    try (TemporalDevServer temporal = o.realTemporal ? TemporalDevServer.start(dir) : null;
        DevServer server =
            DevServer.start(
                o.jar, TemporalDevServer.jvm(jvm, temporal), dir.resolve("server"), http);
        KubernetesClient k8s =
            new KubernetesClientBuilder()
                .withConfig(
                    Config.fromKubeconfig(
                        Files.readString(dir.resolve("server").resolve("kubeconfig"))))
                .build()) {
      Api api = new Api(http, server.base);
      new EngineBenchmark(
              api, k8s, dir.resolve("server").resolve("kubeconfig"), o, server, temporal)
          .run();
    }
  }

  private void run() throws Exception {
    warmUpTasks();
    if (o.phases.contains("reads")) {
      reads();
    }
    if (o.phases.contains("writes")) {
      gatedWrites();
    }
    if (o.phases.contains("tasks")) {
      throughput();
    }
    if (o.phases.contains("audit")) {
      audit();
    }
    figure(String.format(Locale.ROOT, "server RSS at the end: %.0f MiB", server.rssMiB()));
    System.out.printf(Locale.ROOT, "%nRESULT (same run; load average at end %.2f)%n", load());
    table.forEach(l -> System.out.println("  " + l));
  }

  /** Engine reads against the same object read directly and by kubectl. */
  private void reads() throws Exception {
    // Each path (engine, direct GET, the floor) first runs untimed on its own task or workflow.
    for (int i = 0; i < o.readWarmup; i++) {
      // A task takes 500 steps at most.
      String warm = "bench-reads-warmup-" + i / 400;
      if (i % 400 == 0) {
        start(warm);
      }
      api.post(Api.AGENT, "/api/tasks/" + warm + "/steps", READ);
    }
    String task = start("bench-reads");
    List<Double> engine = new ArrayList<>();
    for (int i = 0; i < o.reads + 20; i++) {
      long t0 = System.nanoTime();
      JsonNode step = api.post(Api.AGENT, "/api/tasks/" + task + "/steps", READ);
      double ms = ms(t0);
      require(step, "RUNNING".equals(step.path("state").asText()) || isRead(step));
      if (i >= 20) {
        engine.add(ms);
      }
    }
    List<Double> direct = new ArrayList<>();
    for (int i = 0; i < o.readWarmup + o.reads + 20; i++) {
      long t0 = System.nanoTime();
      Deployment d = k8s.apps().deployments().inNamespace("shop").withName("web").get();
      double ms = ms(t0);
      if (d == null) {
        throw new IllegalStateException("shop/web is missing");
      }
      if (i >= o.readWarmup + 20) {
        direct.add(ms);
      }
    }
    List<Double> kubectl = new ArrayList<>();
    for (int i = 0; i < o.kubectlRuns + 2; i++) {
      long t0 = System.nanoTime();
      Process p =
          new ProcessBuilder(
                  "kubectl",
                  "--kubeconfig",
                  kubeconfig.toString(),
                  "-n",
                  "shop",
                  "get",
                  "deployment",
                  "web",
                  "-o",
                  "json")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("kubectl get failed");
      }
      if (i >= 2) {
        kubectl.add(ms(t0));
      }
    }
    Latency e = Latency.of("engine read (propose k8s.get over REST)", engine);
    Latency d = Latency.of("baseline: the same GET, direct (fabric8, warm)", direct);
    Latency k = Latency.of("baseline: kubectl get subprocess", kubectl);
    Latency u = Latency.of("baseline: an update running one empty local activity", emptyUpdates());
    figure(e.line());
    figure(d.line());
    figure(k.line());
    figure(u.line());
    figure(
        String.format(
            Locale.ROOT,
            "  engine/direct %.1fx at p50; kubectl/engine %.1fx at p50 (goal: engine <= 25/60 ms,"
                + " >= 5x faster than kubectl)",
            e.p50() / d.p50(),
            k.p50() / e.p50()));
  }

  /**
   * The Temporal floor under a read: the same server, an update whose handler runs one empty local
   * activity, sent over the server's gRPC port by this process (the engine's read adds HTTP, the
   * REST API's checks, the look's policy check and the GET).
   */
  private List<Double> emptyUpdates() throws Exception {
    try (Temporal t = Temporal.connect(api)) {
      WorkerFactory factory = Ceiling.worker(t.client);
      try {
        Ceiling.Ask warm = ask(t.client);
        for (int i = 0; i < o.readWarmup; i++) {
          warm.ask(i);
        }
        warm.done();
        Ceiling.Ask ask = ask(t.client);
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < o.reads + 20; i++) {
          long t0 = System.nanoTime();
          ask.ask(i);
          if (i >= 20) {
            ms.add(ms(t0));
          }
        }
        ask.done();
        return ms;
      } finally {
        factory.shutdownNow();
      }
    }
  }

  private static Ceiling.Ask ask(WorkflowClient client) {
    Ceiling.Ask ask =
        client.newWorkflowStub(
            Ceiling.Ask.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(Ceiling.QUEUE)
                .setWorkflowId("bench-ask-" + System.nanoTime())
                .build());
    WorkflowClient.start(ask::serve);
    return ask;
  }

  /** Deployments the write warm-up cycles over. */
  private static final int WARM_DEPLOYMENTS = 40;

  /**
   * One write at a time: propose until it waits, then approval until the API server has it, seen by
   * a watch (a GET loop would load the same 2 cores the engine runs on).
   */
  private void gatedWrites() throws Exception {
    warmUpWrites();
    List<Double> propose = new ArrayList<>();
    List<Double> persisted = new ArrayList<>();
    try (ReplicasWatch web = ReplicasWatch.of(k8s, "shop", "web")) {
      for (int i = 0; i < o.writes; i++) {
        int replicas = 3 + i % 2;
        String task = start("bench-write-" + i);
        long t0 = System.nanoTime();
        JsonNode step = proposeScale(task, "web", replicas);
        propose.add(ms(t0));
        long t1 = System.nanoTime();
        approve(task, step);
        persisted.add((web.awaitReplicas(replicas, Duration.ofMinutes(1)) - t1) / 1e6);
        awaitFinal(task, step.path("stepId").asText());
      }
    }
    figure(Latency.of("write propose -> AWAITING_APPROVAL (goal p50 <= 30 ms)", propose).line());
    figure(
        Latency.of("approve -> mutation persisted at the API server (goal 30/100)", persisted)
            .line());
  }

  /**
   * Untimed gated writes before the timed ones start: a running server has compiled its write path
   * long before (in-process, a scale's preview and Execute reach their steady time only after some
   * 400 calls). They run in rounds over at most {@link #WARM_DEPLOYMENTS} Deployments, one write
   * per Deployment per round, each round settled before the next changes the same objects again.
   */
  private void warmUpWrites() throws Exception {
    List<String> names = readyDeployments("warm-", Math.min(WARM_DEPLOYMENTS, o.writeWarmup));
    for (int done = 0, round = 0; done < o.writeWarmup; round++) {
      List<String[]> steps = new ArrayList<>();
      for (int i = 0; i < names.size() && done < o.writeWarmup; i++, done++) {
        String task = start("bench-warm-" + done);
        JsonNode step = proposeScale(task, names.get(i), 2 + round % 2);
        approve(task, step);
        steps.add(new String[] {task, step.path("stepId").asText()});
      }
      for (String[] s : steps) {
        awaitFinal(s[0], s[1]);
      }
    }
  }

  /**
   * Untimed tasks along the timed path (start, propose, approve, VERIFIED) at the same concurrency,
   * on their own Deployments: the JIT's pass over the task path, as the writes have theirs. Run
   * once, before the first phase: the engine keeps getting faster for some 1,000 tasks (a write's
   * propose took 43 ms after 200, 17 ms after 1,000), and a server in use is long past that.
   */
  private void warmUpTasks() throws Exception {
    // As many Deployments as timed tasks, one for a warm-up even when no task is timed.
    List<String> names = readyDeployments("tw-", Math.min(Math.max(1, o.tasks), o.taskWarmup));
    for (int done = 0, round = 0; done < o.taskWarmup; done += names.size(), round++) {
      int r = round;
      parallel(
          Math.min(names.size(), o.taskWarmup - done),
          i -> {
            String task = start("bench-tw-" + r + "-" + i);
            JsonNode step = proposeScale(task, names.get(i), 2 + r % 2);
            approve(task, step);
            awaitFinal(task, step.path("stepId").asText());
          });
    }
  }

  /** N new one-replica Deployments in shop, named prefix0..prefixN-1, once each is ready. */
  private List<String> readyDeployments(String prefix, int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add(prefix + i);
      k8s.apps().deployments().inNamespace("shop").resource(deployment(prefix + i)).create();
    }
    for (String name : names) {
      k8s.apps()
          .deployments()
          .inNamespace("shop")
          .withName(name)
          .waitUntilCondition(
              d ->
                  d.getStatus() != null
                      && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas()),
              5,
              TimeUnit.MINUTES);
    }
    return names;
  }

  /**
   * Tasks/s to AWAITING_APPROVAL and approve to VERIFIED, in rounds of N tasks at C concurrent,
   * each on its own Deployment; each round times the engine and then the ceilings (a workflow with
   * as many activities as the engine's path took) on the same server, so a ratio compares runs
   * seconds apart, whatever the machine's speed did over the minutes of the whole run. The figures
   * are the rounds' medians.
   */
  private void throughput() throws Exception {
    List<String> names = readyDeployments("t-", o.tasks);
    Rounds waiting = new Rounds();
    Rounds verified = new Rounds();
    Rounds viaSdk = new Rounds();
    CpuUse sdkCpu = CpuUse.ZERO;
    CpuUse waitingCpu = CpuUse.ZERO;
    CpuUse verifiedCpu = CpuUse.ZERO;
    ThreadCpu waitingThreads = ThreadCpu.ZERO;
    CpuUse ceilingCpu = CpuUse.ZERO;
    double waitingSeconds = 0;
    Ceiling.Shape k = null;
    Ceiling.Shape approved = null;
    try (Temporal t = Temporal.connect(api)) {
      WorkerFactory factory = Ceiling.worker(t.client);
      try {
        for (int r = 0; r < o.rounds; r++) {
          String prefix = "bench-t-" + r + "-";
          int replicas = 2 + r % 2;
          JsonNode[] steps = new JsonNode[o.tasks];
          // From the second round on, every other round times the ceilings first: neither side
          // always meets the garbage and compilation the other left.
          boolean ceilingsFirst = r % 2 == 1;
          Ceilings ceilings = ceilingsFirst ? ceilings(t, k) : null;
          // The SDK path too: first in the rounds that time the ceilings first, else after REST.
          SdkPath sdk =
              ceilingsFirst
                  ? sdkPath(t, "bench-s-" + r + "-", names, replicas + 2, k, profiler(r))
                  : null;
          ProfilerWindow profiler = profiler(r);
          if (profiler != null) {
            profiler.start();
          }
          Instant windowStart = Instant.now();
          Map<Long, ThreadCpu.Named> threads0 = ThreadCpu.snapshot(server.pid());
          CpuUse c0 = CpuUse.now(server, temporal);
          long t0 = System.nanoTime();
          parallel(
              o.tasks,
              i -> {
                steps[i] = proposeScale(start(prefix + i), names.get(i), replicas);
              });
          double seconds = secs(t0);
          CpuUse used = CpuUse.now(server, temporal).since(c0);
          if (profiler != null) {
            profiler.stop(server.log().resolveSibling("rest-window.collapsed"));
          }
          waitingThreads =
              waitingThreads.plus(ThreadCpu.between(threads0, ThreadCpu.snapshot(server.pid())));
          waitingCpu = waitingCpu.plus(used);
          waitingSeconds += seconds;
          double toWaiting = o.tasks / seconds;
          if (o.jfr != null && r == o.rounds - 1) {
            Instant windowEnd = Instant.now();
            // The dump holds whole chunks: filter its events to the window printed here.
            server.jcmd(
                "JFR.dump",
                "name=bench",
                "begin=" + windowStart,
                "end=" + windowEnd,
                "filename=" + o.jfr.toAbsolutePath());
            System.out.printf("  recorded: %s, window %s .. %s%n", o.jfr, windowStart, windowEnd);
          }
          Ceiling.Shape shape = Ceiling.Shape.of(history(prefix + 0));
          if (r == 0) {
            // The SDK path's own warm-up, as many untimed tasks as the REST path had.
            for (int done = 0; done < o.taskWarmup; done += o.tasks) {
              sdkPath(t, "bench-sw-" + done + "-", names, replicas + 2, shape, null);
            }
          }
          if (sdk == null) {
            sdk = sdkPath(t, "bench-s-" + r + "-", names, replicas + 2, shape, profiler(r));
          }
          sdkCpu = sdkCpu.plus(sdk.cpu());
          if (k == null) {
            k = shape;
            // The ceilings' own warm-up: as many untimed runs as the engine's path had.
            proposedRuns(t, k, o.taskWarmup);
            ceilingRuns(t, k, o.taskWarmup);
          } else if (!shape.equals(k)) {
            throw new IllegalStateException(
                "round " + (r + 1) + "'s path ran " + shape + ", the first round's " + k);
          }
          if (!ceilingsFirst) {
            ceilings = ceilings(t, k);
          }
          waiting.add(toWaiting, ceilings.proposed(), ceilings.startOnly());
          viaSdk.add(sdk.rate(), ceilings.proposed(), 0);
          ceilingCpu = ceilingCpu.plus(ceilings.proposedCpu());

          double approvedCeiling = ceilingsFirst ? o.tasks / approvedRuns(t, approved, o.tasks) : 0;
          CpuUse c1 = CpuUse.now(server, temporal);
          long t1 = System.nanoTime();
          parallel(
              o.tasks,
              i -> {
                approve(prefix + i, steps[i]);
                JsonNode done = awaitFinal(prefix + i, steps[i].path("stepId").asText());
                require(done, "VERIFIED".equals(done.path("state").asText()));
              });
          double toVerified = o.tasks / secs(t1);
          verifiedCpu = verifiedCpu.plus(CpuUse.now(server, temporal).since(c1));
          if (approved == null) {
            approved = Ceiling.Shape.of(afterApproval(history(prefix + 0)));
            approvedRuns(t, approved, o.taskWarmup);
          }
          if (!ceilingsFirst) {
            approvedCeiling = o.tasks / approvedRuns(t, approved, o.tasks);
          }
          verified.add(toVerified, approvedCeiling, 0);
          System.out.printf(
              Locale.ROOT,
              "  round %d: start -> AWAITING %.1f/s, ceiling %.1f/s (ratio %.2f), start-only"
                  + " %.1f/s, through the Temporal SDK %.1f/s (ratio %.2f); approve -> VERIFIED"
                  + " %.1f/s, ceiling %.1f/s (ratio %.2f)%n",
              r + 1,
              toWaiting,
              waiting.ceiling.get(r),
              waiting.ratio(r),
              waiting.startOnly.get(r),
              sdk.rate(),
              viaSdk.ratio(r),
              toVerified,
              verified.ceiling.get(r),
              verified.ratio(r));
        }
      } finally {
        factory.shutdownNow();
      }
    }
    int timed = o.rounds * o.tasks;
    figure(
        String.format(
            Locale.ROOT,
            "tasks/s start -> AWAITING_APPROVAL: %.1f (median of %d rounds of %d tasks, %d"
                + " concurrent); ceiling, a workflow started, then sent an update that runs %s:"
                + " %.1f/s; ratio (the rounds' median) %.2f (goal >= 50/s, >= 0.7; rounds %s); the same activities run"
                + " from its start, no update: %.1f/s; ratio %.2f",
            Rounds.median(waiting.engine),
            o.rounds,
            o.tasks,
            o.concurrency,
            k,
            Rounds.median(waiting.ceiling),
            waiting.medianRatio(),
            waiting.ratios(),
            Rounds.median(waiting.startOnly),
            waiting.medianStartOnlyRatio()));
    figure(
        String.format(
            Locale.ROOT,
            "  start -> AWAITING_APPROVAL through the Temporal SDK (no REST; start, then the"
                + " propose update, as the ceiling is driven): %.1f tasks/s; ratio (the rounds'"
                + " median) %.2f (rounds %s); %s",
            Rounds.median(viaSdk.engine),
            viaSdk.medianRatio(),
            viaSdk.ratios(),
            sdkCpu.perTask(timed)));
    figure(
        String.format(
            Locale.ROOT,
            "tasks/s approve -> VERIFIED: %.1f (rollout step %s, verify poll %s); ceiling, a"
                + " workflow approved by an update that then runs %s: %.1f/s; ratio (the rounds' median) %.2f (goal"
                + " >= 50/s; rounds %s)",
            Rounds.median(verified.engine),
            o.rolloutStep,
            o.verifyPoll,
            approved,
            Rounds.median(verified.ceiling),
            verified.medianRatio(),
            verified.ratios()));
    figure("  start -> AWAITING_APPROVAL: " + waitingCpu.perTask(timed));
    figure(
        String.format(
            Locale.ROOT,
            "  start -> AWAITING_APPROVAL: all rounds together %.1f tasks/s; the ceiling's CPU per"
                + " workflow (started, then updated): %s",
            timed / waitingSeconds,
            ceilingCpu.perTask(timed)));
    figure(
        "  start -> AWAITING_APPROVAL: " + waitingThreads.perTask(timed, 8, waitingCpu.server()));
    figure("  approve -> VERIFIED: " + verifiedCpu.perTask(timed));
  }

  /** The engine's start → AWAITING driven through the Temporal SDK: its rate and CPU. */
  private record SdkPath(double rate, CpuUse cpu) {}

  /**
   * The same tasks started and proposed to with a Temporal client, as an agent using the SDK does
   * and as the ceiling is driven: the REST surface's share is the difference. The requester is a
   * claim here (staging accepts one; REST starts carry the API's signed attestation), so this path
   * skips one signature and its check. Their steps are rejected after the timing, over REST by the
   * approver, so they leave the inbox as the REST path's do.
   */
  private SdkPath sdkPath(
      Temporal t,
      String prefix,
      List<String> names,
      int replicas,
      Ceiling.Shape restShape,
      ProfilerWindow profiler)
      throws Exception {
    if (profiler != null) {
      profiler.start();
    }
    CpuUse before = CpuUse.now(server, temporal);
    long t0 = System.nanoTime();
    StepView[] steps = new StepView[o.tasks];
    parallel(
        o.tasks,
        i -> {
          AgentTask task =
              t.client.newWorkflowStub(
                  AgentTask.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId(prefix + i)
                      .setTaskQueue(AgentTask.TASK_QUEUE)
                      .build());
          WorkflowClient.start(
              task::run,
              new TaskRequest(
                  "agent:incident-bot",
                  "staging",
                  "benchmark",
                  null,
                  86_400L,
                  null,
                  null,
                  null,
                  null));
          var step = task.propose(new ToolCall("k8s.scale", scaleArgs(names.get(i), replicas)));
          if (step.state() != StepState.AWAITING_APPROVAL) {
            throw new IllegalStateException("unexpected answer through the SDK: " + step);
          }
          steps[i] = step;
        });
    double rate = o.tasks / secs(t0);
    CpuUse cpu = CpuUse.now(server, temporal).since(before);
    if (profiler != null) {
      profiler.stop(server.log().resolveSibling("sdk-window.collapsed"));
    }
    Ceiling.Shape shape = Ceiling.Shape.of(history(prefix + 0));
    if (!shape.equals(restShape)) {
      throw new IllegalStateException("the SDK path ran " + shape + ", the REST path " + restShape);
    }
    parallel(
        o.tasks,
        i ->
            api.post(
                Api.APPROVER,
                "/api/tasks/" + prefix + i + "/steps/" + steps[i].stepId() + "/reject",
                Map.of("callHash", steps[i].callHash(), "reason", "benchmark: timed, not run")));
    return new SdkPath(rate, cpu);
  }

  /** The last round's profiler when {@code --async-profiler} names one, else null. */
  private ProfilerWindow profiler(int round) {
    return o.asyncProfiler != null && round == o.rounds - 1
        ? new ProfilerWindow(server.pid(), o.asyncProfiler)
        : null;
  }

  /** One round's start → AWAITING ceilings: rates, and the CPU of the started-then-updated runs. */
  private record Ceilings(double proposed, double startOnly, CpuUse proposedCpu) {}

  private Ceilings ceilings(Temporal t, Ceiling.Shape k) throws Exception {
    CpuUse before = CpuUse.now(server, temporal);
    double proposed = o.tasks / proposedRuns(t, k, o.tasks);
    CpuUse cpu = CpuUse.now(server, temporal).since(before);
    return new Ceilings(proposed, o.tasks / ceilingRuns(t, k, o.tasks), cpu);
  }

  /** Each round's engine rate and its ceilings' (start-only 0 where not taken). */
  private static final class Rounds {
    final List<Double> engine = new ArrayList<>();
    final List<Double> ceiling = new ArrayList<>();
    final List<Double> startOnly = new ArrayList<>();

    void add(double engineRate, double ceilingRate, double startOnlyRate) {
      engine.add(engineRate);
      ceiling.add(ceilingRate);
      startOnly.add(startOnlyRate);
    }

    double ratio(int r) {
      return engine.get(r) / ceiling.get(r);
    }

    /** Each round's engine rate over the given ceiling's. */
    private List<Double> ratiosTo(List<Double> ceilings) {
      List<Double> r = new ArrayList<>();
      for (int i = 0; i < engine.size(); i++) {
        r.add(engine.get(i) / ceilings.get(i));
      }
      return r;
    }

    double medianRatio() {
      return median(ratiosTo(ceiling));
    }

    double medianStartOnlyRatio() {
      return median(ratiosTo(startOnly));
    }

    String ratios() {
      return ratiosTo(ceiling).stream()
          .map(x -> String.format(Locale.ROOT, "%.2f", x))
          .collect(Collectors.joining(" "));
    }

    static double median(List<Double> values) {
      List<Double> v = new ArrayList<>(values);
      Collections.sort(v);
      int n = v.size();
      return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }
  }

  /** The audit report of a task of N reads against one of N/10, both finished. */
  private void audit() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int steps : List.of(o.auditSteps / 10, o.auditSteps)) {
      String task = start("bench-audit-" + steps);
      for (int i = 0; i < steps; i++) {
        api.post(Api.AGENT, "/api/tasks/" + task + "/steps", READ);
      }
      api.post(Api.AGENT, "/api/tasks/" + task + "/finish", null);
      awaitState(task, "COMPLETED");
      List<Double> ms = new ArrayList<>();
      int bytes = 0;
      for (int i = 0; i < 7; i++) {
        long t0 = System.nanoTime();
        bytes = api.getLength(Api.APPROVER, "/api/tasks/" + task + "/audit?format=json");
        if (i >= 2) {
          ms.add(ms(t0));
        }
      }
      lines.add(
          Latency.of(
                  String.format(
                      Locale.ROOT, "audit report of a %d-step task (%,d bytes)", steps, bytes),
                  ms)
              .line());
    }
    figure(lines.get(0) + "   (baseline)");
    figure(lines.get(1) + "   (goal <= 1 s)");
  }

  /** Proposes a scale on the task and returns the step, which must wait for approval. */
  private JsonNode proposeScale(String task, String deployment, int replicas) throws Exception {
    JsonNode step =
        api.post(Api.AGENT, "/api/tasks/" + task + "/steps", scale(deployment, replicas));
    require(step, "AWAITING_APPROVAL".equals(step.path("state").asText()));
    return step;
  }

  /** Approves the step, naming its call hash. */
  private void approve(String task, JsonNode step) throws Exception {
    api.post(
        Api.APPROVER,
        "/api/tasks/" + task + "/steps/" + step.path("stepId").asText() + "/approve",
        Map.of("callHash", step.path("callHash").asText()));
  }

  private String start(String taskId) throws Exception {
    api.post(
        Api.AGENT,
        "/api/tasks",
        Map.of(
            "taskId",
            taskId,
            "environment",
            "staging",
            "goal",
            "benchmark",
            "approvalTimeoutSeconds",
            86400));
    return taskId;
  }

  /** The step once final, by the API's own wait (the way an agent waits), never a busy poll. */
  private JsonNode awaitFinal(String task, String stepId) throws Exception {
    while (true) {
      JsonNode s =
          api.get(Api.APPROVER, "/api/tasks/" + task + "/steps/" + stepId + "?waitSeconds=30");
      if (List.of("VERIFIED", "VERIFICATION_FAILED", "FAILED", "BLOCKED", "REJECTED", "EXPIRED")
          .contains(s.path("state").asText())) {
        return s;
      }
    }
  }

  private void awaitState(String task, String state) throws Exception {
    while (!api.get(Api.APPROVER, "/api/tasks/" + task).path("state").asText().equals(state)) {
      Thread.sleep(50);
    }
  }

  private List<HistoryEvent> history(String taskId) throws Exception {
    try (Temporal t = Temporal.connect(api)) {
      return t.client.fetchHistory(taskId).getEvents();
    }
  }

  /** The events from the approving {@code decide} update on. */
  private static List<HistoryEvent> afterApproval(List<HistoryEvent> events) {
    for (int i = 0; i < events.size(); i++) {
      HistoryEvent e = events.get(i);
      if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
          && e.getWorkflowExecutionUpdateAcceptedEventAttributes()
              .getAcceptedRequest()
              .getInput()
              .getName()
              .equals("decide")) {
        return events.subList(i, events.size());
      }
    }
    throw new IllegalStateException("no decide update in the history");
  }

  /** Runs of a ceiling workflow: n at the configured concurrency, the seconds timed. */
  private interface CeilingRuns {
    double run(Temporal t, Ceiling.Shape k, int n) throws Exception;
  }

  /** Seconds from the first approval to the last workflow's end. */
  private double approvedRuns(Temporal t, Ceiling.Shape k, int n) throws Exception {
    Ceiling.Approved[] runs = new Ceiling.Approved[n];
    String prefix = "bench-approved-" + System.nanoTime() + "-";
    parallel(
        n,
        i -> {
          runs[i] = t.client.newWorkflowStub(Ceiling.Approved.class, onCeilingQueue(prefix + i));
          WorkflowClient.start(runs[i]::run, k.remote(), k.local());
        });
    long t0 = System.nanoTime();
    parallel(
        n,
        i -> {
          runs[i].approve();
          WorkflowStub.fromTyped(runs[i]).getResult(Integer.class);
        });
    return secs(t0);
  }

  /** Seconds for n workflows, each started and then running the activities in one update. */
  private double proposedRuns(Temporal t, Ceiling.Shape k, int n) throws Exception {
    String prefix = "bench-proposed-" + System.nanoTime() + "-";
    long t0 = System.nanoTime();
    parallel(
        n,
        i -> {
          Ceiling.Proposed run =
              t.client.newWorkflowStub(Ceiling.Proposed.class, onCeilingQueue(prefix + i));
          WorkflowClient.start(run::run);
          run.propose(k.remote(), k.local());
        });
    return secs(t0);
  }

  /** Seconds for n workflows, each running the activities from its start. */
  private double ceilingRuns(Temporal t, Ceiling.Shape k, int n) throws Exception {
    long t0 = System.nanoTime();
    parallel(
        n,
        i ->
            t.client
                .newWorkflowStub(
                    Ceiling.Run.class,
                    onCeilingQueue("bench-ceiling-" + i + "-" + System.nanoTime()))
                .run(k.remote(), k.local()));
    return secs(t0);
  }

  private static WorkflowOptions onCeilingQueue(String workflowId) {
    return WorkflowOptions.newBuilder()
        .setTaskQueue(Ceiling.QUEUE)
        .setWorkflowId(workflowId)
        .build();
  }

  private void parallel(int n, Body body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(o.concurrency);
    try {
      AtomicInteger next = new AtomicInteger();
      List<Future<?>> fs = new ArrayList<>();
      for (int w = 0; w < o.concurrency; w++) {
        fs.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    body.run(i);
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  interface Body {
    void run(int i) throws Exception;
  }

  /** A client of the dev server's Temporal, found through /api/info. */
  private record Temporal(WorkflowServiceStubs stubs, WorkflowClient client)
      implements AutoCloseable {
    static Temporal connect(Api api) throws Exception {
      JsonNode info = api.get(Api.APPROVER, "/api/info").path("temporal");
      WorkflowServiceStubs stubs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder()
                  .setTarget(info.path("target").asText())
                  .build());
      return new Temporal(
          stubs,
          WorkflowClient.newInstance(
              stubs,
              WorkflowClientOptions.newBuilder()
                  .setNamespace(info.path("namespace").asText())
                  .build()));
    }

    @Override
    public void close() {
      stubs.shutdownNow();
    }
  }

  private static Map<String, Object> scale(String name, int replicas) {
    return Map.of("tool", "k8s.scale", "args", scaleArgs(name, replicas));
  }

  private static Map<String, Object> scaleArgs(String name, int replicas) {
    return Map.of("kind", "Deployment", "namespace", "shop", "name", name, "replicas", replicas);
  }

  private static Deployment deployment(String name) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("shop/" + name + ":1.0")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static boolean isRead(JsonNode step) {
    return "READ".equals(step.path("effect").asText()) && step.path("error").isNull();
  }

  private static void require(JsonNode step, boolean ok) {
    if (!ok) {
      throw new IllegalStateException("unexpected answer: " + step);
    }
  }

  private static double ms(long since) {
    return (System.nanoTime() - since) / 1e6;
  }

  private static double secs(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static double load() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** Command-line options; every one has a default. */
  static final class Options {
    Path jar = Path.of("worker", "target-bench", "quarkus-app", "quarkus-run.jar");
    int reads = 200;

    /** Untimed reads before the timed ones, on their own task: a running server is compiled. */
    int readWarmup = 1000;

    int kubectlRuns = 30;
    int writes = 30;

    /** Untimed gated writes before the timed ones, as the reads have 20: the JIT's first pass. */
    int writeWarmup = 400;

    int tasks = 200;

    /** Rounds of N tasks, each timed beside its own ceilings; the figures are their medians. */
    int rounds = 5;

    /**
     * Untimed tasks start to VERIFIED before the first phase (and as many runs of each ceiling).
     */
    int taskWarmup = 1000;

    int concurrency = 50;
    int auditSteps = 500;
    String rolloutStep = "10ms";

    /**
     * Verification polls this often and needs two agreeing polls: a floor under approve→VERIFIED.
     */
    String verifyPoll = "1s";

    boolean realTemporal;

    /** REST over cleartext HTTP/2 (the JDK client's upgrade) instead of HTTP/1.1. */
    boolean http2;

    /**
     * Where to write a flight recording of the server over the last round's start → AWAITING (the
     * server records from its launch; this window is cut out of it).
     */
    Path jfr;

    /** The recording's settings: a JDK name (profile) or a .jfc file (finer sampling). */
    String jfrSettings = "profile";

    /**
     * async-profiler's library: the server is profiled over the last round's REST and SDK-path
     * start → AWAITING windows (collapsed stacks next to the server's log).
     */
    Path asyncProfiler;

    /** Which figures to take (all by default): a quick look at one while changing the engine. */
    List<String> phases = List.of("reads", "writes", "tasks", "audit");

    List<String> serverJvm = new ArrayList<>();

    static Options parse(String[] args) {
      Options o = new Options();
      List<String> a = new ArrayList<>(List.of(args));
      Collections.reverse(a);
      while (!a.isEmpty()) {
        String flag = a.remove(a.size() - 1);
        if (flag.equals("--real-temporal")) {
          o.realTemporal = true;
          continue;
        }
        if (flag.equals("--http2")) {
          o.http2 = true;
          continue;
        }
        if (a.isEmpty()) {
          throw new IllegalArgumentException("option " + flag + " needs a value");
        }
        String v = a.remove(a.size() - 1);
        switch (flag) {
          case "--jar" -> o.jar = Path.of(v);
          case "--reads" -> o.reads = Integer.parseInt(v);
          case "--read-warmup" -> o.readWarmup = Integer.parseInt(v);
          case "--kubectl-runs" -> o.kubectlRuns = Integer.parseInt(v);
          case "--writes" -> o.writes = Integer.parseInt(v);
          case "--write-warmup" -> o.writeWarmup = Integer.parseInt(v);
          case "--tasks" -> o.tasks = Integer.parseInt(v);
          case "--rounds" -> o.rounds = Math.max(1, Integer.parseInt(v));
          case "--task-warmup" -> o.taskWarmup = Integer.parseInt(v);
          case "--concurrency" -> o.concurrency = Integer.parseInt(v);
          case "--audit-steps" -> o.auditSteps = Integer.parseInt(v);
          case "--rollout-step" -> o.rolloutStep = v;
          case "--verify-poll" -> o.verifyPoll = v;
          case "--server-jvm" -> o.serverJvm.add(v);
          case "--phases" -> o.phases = List.of(v.split(","));
          case "--jfr" -> o.jfr = Path.of(v);
          case "--jfr-settings" -> o.jfrSettings = v;
          case "--async-profiler" -> o.asyncProfiler = Path.of(v);
          default ->
              throw new IllegalArgumentException(
                  "unknown option "
                      + flag
                      + "; options: --jar --reads --read-warmup --kubectl-runs --writes --write-warmup --tasks --rounds --task-warmup"
                      + " --concurrency"
                      + " --audit-steps --rollout-step --verify-poll --server-jvm --phases --jfr --jfr-settings --async-profiler"
                      + " (reads,writes,tasks,audit) --real-temporal --http2");
        }
      }
      return o;
    }
  }
}
