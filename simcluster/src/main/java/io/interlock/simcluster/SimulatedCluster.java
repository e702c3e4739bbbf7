package io.interlock.simcluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;

/**
 * A stand-in for a Kubernetes cluster, not a cluster: the fabric8 mock API server with a CRUD
 * dispatcher that keeps the real API server's write semantics (dry run never persists,
 * resourceVersion conflicts, delete preconditions, server-side apply with field managers, access
 * reviews), plus a small controller that gives Deployments, StatefulSets and DaemonSets a
 * believable status (ReplicaSets, Pods, rollouts, revisions, crash loops, progress deadlines).
 * There are no kubelets, images, networks, admission webhooks or real authorization; see {@link
 * FailureInjection} for the image tags that ask for failures.
 *
 * <p>Every mutating request it persists for a client is counted ({@link #mutations()}), so a test
 * can assert that a write happened exactly once, or never.
 *
 * <pre>{@code
 * try (SimulatedCluster cluster = SimulatedCluster.builder().rolloutStepDelay(Duration.ofMillis(100)).start()) {
 *   cluster.seedDemo();
 *   cluster.client().apps().deployments().inNamespace("shop").withName("web").get();
 * }
 * }</pre>
 */
public final class SimulatedCluster implements AutoCloseable {

  /** Held so the level sticks: the mock web server logs every request at INFO otherwise. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG = quiet("io.fabric8.mockwebserver");

  private final ObjectStore store;
  private final MutationLog mutations = new MutationLog();
  private final AccessRules access = new AccessRules();
  private final AnswerHolds holds = new AnswerHolds();
  private final KubernetesMockServer server;
  private final WorkloadController controller;
  private final String url;
  private KubernetesClient client;

  private SimulatedCluster(Builder b) {
    this.store = new ObjectStore(b.clock);
    this.controller =
        new WorkloadController(store, b.rolloutStepDelay, b.progressDeadlineScale, b.clock);
    this.controller.seedBaseline(b.nodes);
    ApiDispatcher dispatcher =
        new ApiDispatcher(
            store,
            access,
            mutations,
            holds,
            b.adminEndpoints ? new AdminEndpoints(mutations, holds) : null);
    this.server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    try {
      server.init(InetAddress.getByName("127.0.0.1"), b.port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    this.url = "http://127.0.0.1:" + server.getPort();
    if (b.runController) {
      controller.start();
    }
  }

  /**
   * Options; defaults: any free port, 1s rollout step, progress deadlines at 1/100 scale, 3 nodes.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts a simulated cluster with default options. */
  public static SimulatedCluster start() {
    return builder().start();
  }

  /** A client of this cluster (shared, closed with the cluster), default namespace "default". */
  public synchronized KubernetesClient client() {
    if (client == null) {
      client = newClient();
    }
    return client;
  }

  /** A new client of this cluster the caller closes; it never reads ~/.kube/config. */
  public KubernetesClient newClient() {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url)
            .withNamespace("default")
            .withRequestTimeout(10_000)
            .withConnectionTimeout(5_000)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The API server URL, e.g. {@code http://127.0.0.1:41234}. */
  public String url() {
    return url;
  }

  public int port() {
    return server.getPort();
  }

  /** Writes a kubeconfig (current context: this cluster, namespace "default") so kubectl works. */
  public Path writeKubeconfig(Path file) {
    return Kubeconfig.write(file, url, "default");
  }

  /**
   * Mutating requests (POST, PUT, PATCH, DELETE) the server accepted and persisted for a client
   * since start or the last reset. Not counted: dry runs, rejected requests, access reviews, the
   * simulator's own controller and seeding. An accepted no-op update counts.
   */
  public long mutations() {
    return mutations.count();
  }

  /**
   * The counted mutations in order, e.g. {@code PATCH
   * /apis/apps/v1/namespaces/shop/deployments/web}.
   */
  public List<String> mutationLog() {
    return mutations.lines();
  }

  public void resetMutations() {
    mutations.reset();
  }

  /**
   * Makes SelfSubjectAccessReviews matching this rule answer allowed=false; a null argument matches
   * anything. Only access reviews are affected: requests themselves are not refused.
   */
  public void denyPermission(String verb, String group, String resource, String namespace) {
    access.deny(new AccessRules.Deny(verb, group, resource, namespace));
  }

  /** SelfSubjectAccessReviews answered since start: how often a client asked what it may do. */
  public long accessReviews() {
    return access.answered();
  }

  /** Removes every deny rule. */
  public void allowAll() {
    access.clear();
  }

  /**
   * Seeds the demo estate (namespaces shop, payments, kube-system; see {@link DemoSeed}) and
   * returns once every seeded workload has finished rolling out. Not counted as mutations.
   */
  public SimulatedCluster seedDemo() {
    DemoSeed.seed(store);
    controller.settle(200);
    return this;
  }

  /** Creates or replaces an object as the simulator itself (not counted); for test setup. */
  public void put(String json) {
    ObjectNode o = ObjectTrees.parseObject(json);
    controller.put(o);
  }

  /** Runs controller ticks until nothing changes (at most maxTicks); for deterministic tests. */
  public void settle(int maxTicks) {
    controller.settle(maxTicks);
  }

  @Override
  public void close() {
    controller.close();
    synchronized (this) {
      if (client != null) {
        client.close();
      }
    }
    server.destroy();
  }

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
    l.setLevel(java.util.logging.Level.WARNING);
    return l;
  }

  /** Options for {@link SimulatedCluster}. */
  public static final class Builder {
    private int port;
    private Duration rolloutStepDelay = Duration.ofSeconds(1);
    private double progressDeadlineScale = 0.01;
    private int nodes = 3;
    private boolean runController = true;
    private boolean adminEndpoints;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The port to listen on (127.0.0.1); 0, the default, picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Time between controller ticks; each tick moves every rollout one step. Default 1s. */
    public Builder rolloutStepDelay(Duration delay) {
      this.rolloutStepDelay = Objects.requireNonNull(delay);
      return this;
    }

    /**
     * Factor applied to spec.progressDeadlineSeconds; default 0.01, so the default 600s deadline
     * passes after 6 real seconds without progress.
     */
    public Builder progressDeadlineScale(double scale) {
      this.progressDeadlineScale = scale;
      return this;
    }

    /** Number of Ready nodes seeded as node-1..node-N. Default 3. */
    public Builder nodes(int nodes) {
      this.nodes = nodes;
      return this;
    }

    /** False runs no background controller; tests then call {@link SimulatedCluster#settle}. */
    public Builder runController(boolean run) {
      this.runController = run;
      return this;
    }

    /**
     * True serves the test endpoints under {@code /interlock-sim/} (mutation log, answer holds; see
     * {@link AdminEndpoints}) on the API port. Default false: only the {@code sim-cluster} process
     * of crash and load tests turns them on.
     */
    public Builder adminEndpoints(boolean on) {
      this.adminEndpoints = on;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    public SimulatedCluster start() {
      return new SimulatedCluster(this);
    }
  }
}
