package io.interlock.simcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "The simulated controller gives workloads the status a real cluster would, including injected failures")
class WorkloadControllerTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static SimulatedCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster =
        SimulatedCluster.builder()
            .rolloutStepDelay(Duration.ofMillis(50))
            .progressDeadlineScale(0.002)
            .start()
            .seedDemo();
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static Deployment deployment(String name, String image, int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .withImage(image)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Deployment get(String name) {
    return client.apps().deployments().inNamespace("default").withName(name).get();
  }

  private static DeploymentCondition condition(Deployment d, String type) {
    if (d.getStatus() == null || d.getStatus().getConditions() == null) {
      return null;
    }
    return d.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElse(null);
  }

  private static boolean rolledOut(Deployment d) {
    DeploymentCondition p = condition(d, "Progressing");
    return p != null
        && "NewReplicaSetAvailable".equals(p.getReason())
        && Objects.equals(d.getStatus().getObservedGeneration(), d.getMetadata().getGeneration())
        && Objects.equals(d.getStatus().getAvailableReplicas(), d.getSpec().getReplicas());
  }

  private static List<Pod> pods(String app) {
    return client.pods().inNamespace("default").withLabel("app", app).list().getItems();
  }

  @Test
  @DisplayName(
      "given a new Deployment, should create a ReplicaSet and pods and reach Available with NewReplicaSetAvailable")
  void givenNewDeployment_shouldRollOutToAvailable() {
    client
        .apps()
        .deployments()
        .inNamespace("default")
        .resource(deployment("fresh", "nginx:1.25", 3))
        .create();

    Deployment d =
        await("fresh to roll out")
            .atMost(WAIT)
            .until(() -> get("fresh"), WorkloadControllerTest::rolledOut);

    assertThat(condition(d, "Available").getStatus()).isEqualTo("True");
    assertThat(d.getStatus().getReadyReplicas()).isEqualTo(3);
    assertThat(d.getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "1");
    assertThat(pods("fresh"))
        .hasSize(3)
        .allSatisfy(
            p -> {
              assertThat(p.getStatus().getPhase()).isEqualTo("Running");
              assertThat(p.getMetadata().getOwnerReferences())
                  .singleElement()
                  .satisfies(o -> assertThat(o.getKind()).isEqualTo("ReplicaSet"));
            });
  }

  @Test
  @DisplayName(
      "given a new image, should create revision 2, move all pods to it and scale the old ReplicaSet to zero")
  void givenNewImage_shouldCreateRevisionTwoAndRetireOld() {
    client
        .apps()
        .deployments()
        .inNamespace("default")
        .resource(deployment("upgrade", "nginx:1.25", 2))
        .create();
    await("first rollout")
        .atMost(WAIT)
        .until(() -> get("upgrade"), WorkloadControllerTest::rolledOut);
    cluster.resetMutations();

    client
        .apps()
        .deployments()
        .inNamespace("default")
        .withName("upgrade")
        .edit(
            d ->
                new DeploymentBuilder(d)
                    .editSpec()
                    .editTemplate()
                    .editSpec()
                    .editFirstContainer()
                    .withImage("nginx:1.26")
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build());
    Deployment d =
        await("second rollout")
            .atMost(WAIT)
            .until(
                () -> get("upgrade"),
                x ->
                    rolledOut(x)
                        && "2"
                            .equals(
                                x.getMetadata()
                                    .getAnnotations()
                                    .get("deployment.kubernetes.io/revision"))
                        && x.getStatus().getReplicas() == 2);

    List<ReplicaSet> sets =
        client
            .apps()
            .replicaSets()
            .inNamespace("default")
            .withLabel("app", "upgrade")
            .list()
            .getItems();
    assertThat(sets).hasSize(2);
    assertThat(sets)
        .anySatisfy(
            rs -> {
              assertThat(rs.getMetadata().getAnnotations())
                  .containsEntry("deployment.kubernetes.io/revision", "1");
              assertThat(rs.getSpec().getReplicas()).isZero();
            });
    assertThat(sets)
        .anySatisfy(
            rs -> {
              assertThat(rs.getMetadata().getAnnotations())
                  .containsEntry("deployment.kubernetes.io/revision", "2");
              assertThat(rs.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                  .isEqualTo("nginx:1.26");
            });
    assertThat(
            await("old pods to go").atMost(WAIT).until(() -> pods("upgrade"), ps -> ps.size() == 2))
        .allSatisfy(
            p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.26"));
    assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(2);
    assertThat(cluster.mutations()).as("controller writes are not client mutations").isEqualTo(1);
  }

  @Test
  @DisplayName(
      "given image tag crashloop, pods should be in CrashLoopBackOff with rising restartCount and never ready")
  void givenCrashloop_podsShouldCrashLoop() {
    client
        .apps()
        .deployments()
        .inNamespace("default")
        .resource(deployment("crashy", "nginx:crashloop", 1))
        .create();

    ContainerStatus s =
        await("restarts to rise")
            .atMost(WAIT)
            .until(() -> firstStatus("crashy"), c -> c != null && c.getRestartCount() >= 3);

    assertThat(s.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(s.getReady()).isFalse();
    assertThat(get("crashy").getStatus().getReadyReplicas()).isIn(null, 0);
  }

  @Test
  @DisplayName("given image tag badimage, pods should stay Pending in ImagePullBackOff")
  void givenBadImage_podsShouldBackOffPulling() {
    client
        .apps()
        .deployments()
        .inNamespace("default")
        .resource(deployment("pull", "nginx:badimage", 1))
        .create();

    ContainerStatus s =
        await("image pull back-off")
            .atMost(WAIT)
            .until(
                () -> firstStatus("pull"),
                c ->
                    c != null
                        && c.getState().getWaiting() != null
                        && "ImagePullBackOff".equals(c.getState().getWaiting().getReason()));

    assertThat(s.getReady()).isFalse();
    assertThat(pods("pull").get(0).getStatus().getPhase()).isEqualTo("Pending");
  }

  @Test
  @DisplayName("given image tag neverready, pods should run but never become ready")
  void givenNeverReady_podsShouldRunUnready() {
    client
        .apps()
        .deployments()
        .inNamespace("default")
        .resource(deployment("lazy", "nginx:neverready", 1))
        .create();

    ContainerStatus s =
        await("container to run")
            .atMost(WAIT)
            .until(() -> firstStatus("lazy"), c -> c != null && c.getState().getRunning() != null);

    assertThat(s.getReady()).isFalse();
    assertThat(pods("lazy").get(0).getStatus().getPhase()).isEqualTo("Running");
  }

  @Test
  @DisplayName("given image tag flaky, pods should be ready but show restarts")
  void givenFlaky_podsShouldBeReadyWithRestarts() {
    client
        .apps()
        .deployments()
        .inNamespace("default")
        .resource(deployment("flaky", "nginx:flaky", 1))
        .create();

    ContainerStatus s =
        await("ready")
            .atMost(WAIT)
            .until(() -> firstStatus("flaky"), c -> c != null && Boolean.TRUE.equals(c.getReady()));

    assertThat(s.getRestartCount()).isPositive();
    await("flaky to roll out")
        .atMost(WAIT)
        .until(() -> get("flaky"), WorkloadControllerTest::rolledOut);
  }

  @Test
  @DisplayName(
      "given a rollout that makes no progress past its scaled deadline, Progressing should turn False with ProgressDeadlineExceeded")
  void givenStuckRollout_shouldExceedProgressDeadline() {
    Deployment stuck = deployment("stuck", "nginx:crashloop", 2);
    stuck.getSpec().setProgressDeadlineSeconds(600);
    client.apps().deployments().inNamespace("default").resource(stuck).create();

    Deployment d =
        await("deadline")
            .atMost(WAIT)
            .until(
                () -> get("stuck"),
                x ->
                    condition(x, "Progressing") != null
                        && "ProgressDeadlineExceeded"
                            .equals(condition(x, "Progressing").getReason()));

    assertThat(condition(d, "Progressing").getStatus()).isEqualTo("False");
  }

  @Test
  @DisplayName(
      "given the progress-deadline-exceeded annotation, a healthy rollout should stall at once with ProgressDeadlineExceeded")
  void givenDeadlineAnnotation_shouldReportDeadlineExceeded() {
    // Its own cluster, ticked by hand: the stall shows from the first step on, until the rollout
    // completes (as a real controller's would), so a test polling a running controller can miss it.
    try (SimulatedCluster own = SimulatedCluster.builder().runController(false).start()) {
      Deployment annotated = deployment("annotated", "nginx:1.25", 1);
      annotated
          .getMetadata()
          .setAnnotations(java.util.Map.of("sim.interlock.io/progress-deadline-exceeded", "true"));
      own.client().apps().deployments().inNamespace("default").resource(annotated).create();

      own.settle(1);

      Deployment d =
          own.client().apps().deployments().inNamespace("default").withName("annotated").get();
      assertThat(condition(d, "Progressing").getReason()).isEqualTo("ProgressDeadlineExceeded");
      assertThat(condition(d, "Progressing").getStatus()).isEqualTo("False");
    }
  }

  @Test
  @DisplayName(
      "given a paused Deployment, a template change should not start a rollout until resumed")
  void givenPaused_shouldNotRollOut() {
    client
        .apps()
        .deployments()
        .inNamespace("default")
        .resource(deployment("paused", "nginx:1.25", 1))
        .create();
    await("first rollout")
        .atMost(WAIT)
        .until(() -> get("paused"), WorkloadControllerTest::rolledOut);

    client
        .apps()
        .deployments()
        .inNamespace("default")
        .withName("paused")
        .edit(
            d ->
                new DeploymentBuilder(d)
                    .editSpec()
                    .withPaused(true)
                    .editTemplate()
                    .editSpec()
                    .editFirstContainer()
                    .withImage("nginx:1.26")
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build());
    Deployment paused =
        await("paused")
            .atMost(WAIT)
            .until(
                () -> get("paused"),
                x ->
                    condition(x, "Progressing") != null
                        && "DeploymentPaused".equals(condition(x, "Progressing").getReason()));
    assertThat(
            client
                .apps()
                .replicaSets()
                .inNamespace("default")
                .withLabel("app", "paused")
                .list()
                .getItems())
        .hasSize(1);

    client
        .apps()
        .deployments()
        .inNamespace("default")
        .withName("paused")
        .edit(d -> new DeploymentBuilder(d).editSpec().withPaused(false).endSpec().build());
    Deployment resumed =
        await("resumed rollout")
            .atMost(WAIT)
            .until(
                () -> get("paused"),
                x ->
                    rolledOut(x)
                        && "2"
                            .equals(
                                x.getMetadata()
                                    .getAnnotations()
                                    .get("deployment.kubernetes.io/revision")));
    assertThat(resumed.getStatus().getUpdatedReplicas()).isEqualTo(1);
    assertThat(paused.getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "1");
  }

  @Test
  @DisplayName(
      "given a deleted Deployment, its ReplicaSets and pods should be garbage-collected, counting one mutation")
  void givenDeletedDeployment_ownedObjectsShouldGo() {
    client
        .apps()
        .deployments()
        .inNamespace("default")
        .resource(deployment("doomed", "nginx:1.25", 2))
        .create();
    await("rollout").atMost(WAIT).until(() -> get("doomed"), WorkloadControllerTest::rolledOut);
    cluster.resetMutations();

    client.apps().deployments().inNamespace("default").withName("doomed").delete();

    assertThat(
            client
                .apps()
                .replicaSets()
                .inNamespace("default")
                .withLabel("app", "doomed")
                .list()
                .getItems())
        .isEmpty();
    assertThat(pods("doomed")).isEmpty();
    assertThat(cluster.mutations()).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "given the demo seed, shop, payments and kube-system workloads should exist and be rolled out")
  void givenDemoSeed_workloadsShouldBeReady() {
    assertThat(client.apps().deployments().inNamespace("shop").withName("web").get())
        .satisfies(
            d -> {
              assertThat(rolledOut(d)).isTrue();
              assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                  .isEqualTo("nginx:1.25");
            });
    assertThat(rolledOut(client.apps().deployments().inNamespace("shop").withName("api").get()))
        .isTrue();
    assertThat(
            rolledOut(client.apps().deployments().inNamespace("payments").withName("ledger").get()))
        .isTrue();
    var db = client.apps().statefulSets().inNamespace("shop").withName("db").get();
    assertThat(db.getStatus().getReadyReplicas()).isEqualTo(1);
    assertThat(db.getStatus().getCurrentRevision())
        .isEqualTo(db.getStatus().getUpdateRevision())
        .isNotBlank();
    var agent = client.apps().daemonSets().inNamespace("kube-system").withName("log-agent").get();
    assertThat(agent.getStatus().getDesiredNumberScheduled()).isEqualTo(3);
    assertThat(agent.getStatus().getNumberAvailable()).isEqualTo(3);
    assertThat(agent.getStatus().getUpdatedNumberScheduled()).isEqualTo(3);
    assertThat(client.secrets().inNamespace("shop").withName("api-credentials").get().getData())
        .containsKeys("username", "password");
    assertThat(client.configMaps().inNamespace("shop").withName("web-config").get()).isNotNull();
    assertThat(client.services().inNamespace("shop").withName("web").get()).isNotNull();
    assertThat(client.nodes().list().getItems())
        .extracting(n -> n.getMetadata().getName())
        .containsExactly("node-1", "node-2", "node-3");
    assertThat(client.namespaces().withName("kube-system").get()).isNotNull();
  }

  @Test
  @DisplayName(
      "given a fabric8 watch (informer), waitUntilCondition should observe the rollout finishing")
  void givenFabric8Watch_shouldSeeRolloutFinish() {
    client
        .apps()
        .deployments()
        .inNamespace("default")
        .resource(deployment("watched", "nginx:1.25", 2))
        .create();

    Deployment d =
        client
            .apps()
            .deployments()
            .inNamespace("default")
            .withName("watched")
            .waitUntilCondition(
                x -> x != null && rolledOut(x), 15, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(2);
  }

  private static ContainerStatus firstStatus(String app) {
    List<Pod> ps = pods(app);
    if (ps.isEmpty()
        || ps.get(0).getStatus() == null
        || ps.get(0).getStatus().getContainerStatuses() == null
        || ps.get(0).getStatus().getContainerStatuses().isEmpty()) {
      return null;
    }
    return ps.get(0).getStatus().getContainerStatuses().get(0);
  }

  @Test
  @DisplayName(
      "between full walks, a step reconciles what was written and its owners: a scale rolls out without one")
  void stepsBetweenFullWalksFollowWrites() {
    ObjectStore store = new ObjectStore(java.time.Clock.systemUTC());
    // A 10 ms step walks the whole cluster every 100 steps; the 30 below are all incremental.
    WorkloadController controller =
        new WorkloadController(store, Duration.ofMillis(10), 1.0, java.time.Clock.systemUTC());
    controller.seedBaseline(2);
    store.put(ObjectTrees.MAPPER.valueToTree(deployment("steps", "nginx", 1)));
    controller.settle(50);
    assertThat(readyReplicas(store, "steps")).isEqualTo(1);

    var scaled = store.get(ResourceType.DEPLOYMENT, "default", "steps").orElseThrow();
    ObjectTrees.child(scaled, "spec").put("replicas", 3);
    store.put(scaled);
    for (int i = 0; i < 30; i++) {
      controller.step();
    }

    // The pods, their ReplicaSet and the Deployment's status all moved on incremental steps.
    assertThat(readyReplicas(store, "steps")).isEqualTo(3);
    assertThat(store.list(ResourceType.POD, "default", p -> FailureInjection.isReady(p)))
        .hasSize(3);
  }

  private static int readyReplicas(ObjectStore store, String name) {
    return store
        .get(ResourceType.DEPLOYMENT, "default", name)
        .orElseThrow()
        .path("status")
        .path("readyReplicas")
        .asInt(0);
  }
}
