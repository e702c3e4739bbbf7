package io.interlock.bench.verify;

import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.activities.ToolActivitiesImpl;
import io.interlock.activities.k8s.KubernetesCatalog;
import io.interlock.activities.tools.ToolContext;
import io.interlock.activities.verify.VerificationPool;
import io.interlock.contract.activities.ExecuteRequest;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.VerifyRequest;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.Preview;
import io.interlock.contract.values.Verdict;
import io.interlock.contract.values.Verification;
import io.interlock.simcluster.SimulatedCluster;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N verifications in flight at once on one worker (default 10,000): the shared {@link
 * VerificationPool} against the baseline measured in the same run, a thread (and activity slot) per
 * verification as before. Real pieces: the Temporal test server in this JVM (real time), the real
 * verify activity and tool observations, the simulated cluster's real rollouts.
 */
public final class VerifyAtScaleBenchmark {
  static final String QUEUE = "bench-verify";
  private static final String ENV = "bench";

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(arg(args, "--verifications", "10000"));
    int deployments = Integer.parseInt(arg(args, "--deployments", "100"));
    Duration interval = Duration.ofMillis(Long.parseLong(arg(args, "--interval-ms", "1000")));
    System.out.printf(
        "Verifications at scale: %,d verify activities started at once on one worker (200 activity"
            + " slots), %d deployments, poll interval %d ms; %d cores, load average at start %.2f%n",
        n,
        deployments,
        interval.toMillis(),
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    int observers = Integer.parseInt(arg(args, "--observers", "16"));
    run(Math.min(n, 200), deployments, interval, 0); // warm-up: class loading and JIT for both
    Result threaded = run(n, deployments, interval, 0);
    Result pooled = run(n, deployments, interval, observers);
    System.out.println();
    System.out.println("RESULT (same run)");
    System.out.println("  " + pooled.line("shared pool (async completion)"));
    System.out.println("  " + threaded.line("baseline: a thread per verification"));
    System.out.printf(
        "  ratio pool/baseline: time %.2fx, peak activity threads %.2fx, peak heap %.2fx%n",
        pooled.seconds / threaded.seconds,
        (double) pooled.peakActivityThreads / threaded.peakActivityThreads,
        (double) pooled.peakHeapMiB / threaded.peakHeapMiB);
  }

  private static Result run(int n, int deployments, Duration interval, int observers)
      throws Exception {
    try (SimulatedCluster cluster =
            SimulatedCluster.builder().rolloutStepDelay(Duration.ofMillis(200)).start();
        TestWorkflowEnvironment env =
            TestWorkflowEnvironment.newInstance(
                TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build())) {
      KubernetesClient k8s = cluster.client();
      ToolContext ctx = new ToolContext(ENV, k8s, Clock.systemUTC(), interval);
      ToolActivitiesImpl direct = new ToolActivitiesImpl(KubernetesCatalog.registry(), ctx);
      List<VerifyRequest> requests = executions(k8s, direct, deployments);
      VerificationPool verifications =
          observers > 0
              ? new VerificationPool(
                  env.getWorkflowClient().newActivityCompletionClient(),
                  Clock.systemUTC(),
                  observers)
              : null;
      Worker w = env.newWorker(QUEUE);
      w.registerWorkflowImplementationTypes(VerifyOnceImpl.class);
      w.registerActivitiesImplementations(
          new ToolActivitiesImpl(KubernetesCatalog.registry(), ctx, verifications));
      env.start();
      System.gc();
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      threads.resetPeakThreadCount();
      AtomicLong peakHeap = new AtomicLong();
      AtomicLong peakActivityThreads = new AtomicLong();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(
          () -> {
            peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
            peakActivityThreads.accumulateAndGet(activityThreads(), Math::max);
          },
          0,
          100,
          TimeUnit.MILLISECONDS);
      WorkflowClient client = env.getWorkflowClient();
      long t0 = System.nanoTime();
      List<CompletableFuture<Verification>> results = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        VerifyOnce wf =
            client.newWorkflowStub(
                VerifyOnce.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(QUEUE)
                    .setWorkflowId("verify-" + i)
                    .build());
        results.add(WorkflowClient.execute(wf::verify, requests.get(i % requests.size())));
      }
      long started = System.nanoTime();
      int verified = 0;
      for (CompletableFuture<Verification> r : results) {
        if (r.get(30, TimeUnit.MINUTES).verdict() == Verdict.VERIFIED) {
          verified++;
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      sampler.shutdownNow();
      Result result =
          new Result(
              n,
              verified,
              seconds,
              (started - t0) / 1e9,
              threads.getPeakThreadCount(),
              peakActivityThreads.get(),
              peakHeap.get() >> 20);
      System.out.println((observers > 0 ? "pool:     " : "baseline: ") + result.line(""));
      if (verifications != null) {
        verifications.close();
      }
      return result;
    }
  }

  /** One real scale per deployment, executed as the gate would; each is then verified n/d times. */
  private static List<VerifyRequest> executions(
      KubernetesClient k8s, ToolActivitiesImpl direct, int deployments) {
    List<VerifyRequest> out = new ArrayList<>();
    for (int i = 0; i < deployments; i++) {
      String name = "app-" + i;
      k8s.apps()
          .deployments()
          .inNamespace("default")
          .resource(
              new DeploymentBuilder()
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
                  .withImage("registry.local/app:1")
                  .endContainer()
                  .endSpec()
                  .endTemplate()
                  .endSpec()
                  .build())
          .create();
    }
    for (int i = 0; i < deployments; i++) {
      String name = "app-" + i;
      // The controller annotates a new Deployment once: preview after that, as an agent would.
      k8s.apps()
          .deployments()
          .inNamespace("default")
          .withName(name)
          .waitUntilCondition(
              d ->
                  d.getStatus() != null
                      && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas()),
              2,
              TimeUnit.MINUTES);
      ToolCall call =
          new ToolCall(
              "k8s.scale",
              Map.of("namespace", "default", "kind", "Deployment", "name", name, "replicas", 2));
      Preview preview = direct.preview(ENV, call);
      Execution e =
          direct.execute(
              new ExecuteRequest(
                  "bench", "s" + i, ENV, call, preview.target(), "sha256:bench-" + i));
      out.add(new VerifyRequest(ENV, call, e, 60));
    }
    return out;
  }

  /** Threads running activities or observations: the SDK's activity executors and the pool's. */
  private static long activityThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(name -> name.startsWith("Activity Executor") || name.startsWith("interlock-verify"))
        .count();
  }

  private static String arg(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }

  record Result(
      int n,
      int verified,
      double seconds,
      double startSeconds,
      int peakThreads,
      long peakActivityThreads,
      long peakHeapMiB) {
    String line(String label) {
      return String.format(
          "%s%,d verifications: %,d VERIFIED in %.1f s (starts took %.1f s), peak activity threads"
              + " %d (all live threads %d), peak heap %d MiB",
          label.isEmpty() ? "" : label + ": ",
          n,
          verified,
          seconds,
          startSeconds,
          peakActivityThreads,
          peakThreads,
          peakHeapMiB);
    }
  }
}
