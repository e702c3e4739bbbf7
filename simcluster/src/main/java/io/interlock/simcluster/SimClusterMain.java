package io.interlock.simcluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The simulated cluster as a process of its own ({@code java -jar interlock-simcluster.jar}, which
 * {@code ./interlock sim-cluster} runs): for the production topology on one machine (crash and load
 * tests, demos) and, with {@code --admin-endpoints off}, the dev server's cluster. It listens on
 * 127.0.0.1 only, writes a kubeconfig for {@code interlock.env.<E>.kubeconfig}, and serves the test
 * endpoints under {@code /interlock-sim/} (mutation log, answer holds) unless told not to. Test
 * infrastructure: {@code serve} never starts it, and no agent surface can reach it.
 */
public final class SimClusterMain {
  private static final String USAGE =
      "usage: interlock sim-cluster --kubeconfig FILE [--port 0] [--seed demo|none] [--rollout-step 1s]"
          + " [--admin-endpoints on|off]\n"
          + "  --kubeconfig FILE   where to write the kubeconfig naming this cluster (required)\n"
          + "  --port N            port on 127.0.0.1 (default 0: a free one, printed)\n"
          + "  --seed demo|none    seed the demo estate (default demo)\n"
          + "  --rollout-step D    time between controller ticks, e.g. 200ms or 1s (default 1s)\n"
          + "  --admin-endpoints   the test endpoints under /interlock-sim/ (default on; the dev server: off)\n"
          + "  --exit-with PID     exit when process PID exits (the dev server that started it)";

  private SimClusterMain() {}

  public static void main(String[] args) {
    System.exit(run(List.of(args)));
  }

  public static int run(List<String> args) {
    Path kubeconfig = null;
    int port = 0;
    boolean seed = true;
    Duration step = Duration.ofSeconds(1);
    boolean admin = true;
    long parent = 0;
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
          case "--admin-endpoints" -> {
            String v = value(args, ++i, a);
            if (!v.equals("on") && !v.equals("off")) {
              throw new IllegalArgumentException("--admin-endpoints is on or off, not '" + v + "'");
            }
            admin = v.equals("on");
          }
          case "--exit-with" -> parent = Long.parseLong(value(args, ++i, a));
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
        SimulatedCluster.builder().port(port).rolloutStepDelay(step).adminEndpoints(admin).start();
    if (seed) {
      cluster.seedDemo();
    }
    cluster.writeKubeconfig(kubeconfig);
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
    if (parent > 0) {
      // A child of the dev server never outlives it, even one killed with SIGKILL.
      ProcessHandle.of(parent)
          .ifPresentOrElse(h -> h.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
    }
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
