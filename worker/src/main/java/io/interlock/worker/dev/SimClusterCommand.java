package io.interlock.worker.dev;

import io.interlock.simcluster.SimulatedCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code interlock sim-cluster}: the simulated cluster as a process of its own, for the production
 * topology on one machine (crash and load tests, demos). It listens on 127.0.0.1 only, writes a
 * kubeconfig for {@code interlock.env.<E>.kubeconfig}, and serves the test endpoints under {@code
 * /interlock-sim/} (mutation log, answer holds). Test infrastructure: {@code serve} never starts
 * it, and no agent surface can reach it.
 */
public final class SimClusterCommand {
  private static final String USAGE =
      "usage: interlock sim-cluster --kubeconfig FILE [--port 0] [--seed demo|none] [--rollout-step 1s]\n"
          + "  --kubeconfig FILE   where to write the kubeconfig naming this cluster (required)\n"
          + "  --port N            port on 127.0.0.1 (default 0: a free one, printed)\n"
          + "  --seed demo|none    seed the demo estate (default demo)\n"
          + "  --rollout-step D    time between controller ticks, e.g. 200ms or 1s (default 1s)";

  private SimClusterCommand() {}

  public static int run(List<String> args) {
    Path kubeconfig = null;
    int port = 0;
    boolean seed = true;
    Duration step = Duration.ofSeconds(1);
    try {
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        switch (a) {
          case "--kubeconfig" -> kubeconfig = Path.of(value(args, ++i, a));
          case "--port" -> port = Integer.parseInt(value(args, ++i, a));
          case "--seed" -> {
            String s = value(args, ++i, a);
            if (!s.equals("demo") && !s.equals("none")) {
              throw new IllegalArgumentException("--seed is demo or none, not '" + s + "'");
            }
            seed = s.equals("demo");
          }
          case "--rollout-step" -> step = duration(value(args, ++i, a));
          case "--help", "-h" -> {
            System.out.println(USAGE);
            return 0;
          }
          default -> throw new IllegalArgumentException("unknown option '" + a + "'");
        }
      }
      if (kubeconfig == null) {
        throw new IllegalArgumentException(
            "--kubeconfig FILE is required: the workers read the cluster's address from it");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("interlock sim-cluster: " + e.getMessage() + "\n" + USAGE);
      return 2;
    }
    SimulatedCluster cluster =
        SimulatedCluster.builder().port(port).rolloutStepDelay(step).adminEndpoints(true).start();
    if (seed) {
      cluster.seedDemo();
    }
    cluster.writeKubeconfig(kubeconfig);
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
    // The line a launcher waits for: address first, kubeconfig second.
    System.out.println(
        "simulated cluster serving "
            + cluster.url()
            + " kubeconfig "
            + kubeconfig.toAbsolutePath());
    System.out.flush();
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args.get(i);
  }

  private static Duration duration(String s) {
    if (s.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
    }
    if (s.endsWith("s")) {
      return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
    }
    throw new IllegalArgumentException(
        "--rollout-step takes a duration like 200ms or 1s, not '" + s + "'");
  }
}
