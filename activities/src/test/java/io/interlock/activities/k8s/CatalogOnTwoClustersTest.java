package io.interlock.activities.k8s;

import static io.interlock.activities.k8s.Fixtures.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.activities.controlplane.RealTestCluster;
import io.interlock.activities.controlplane.SimulatedTestCluster;
import io.interlock.activities.controlplane.TestCluster;
import io.interlock.activities.tools.ReadTool;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import io.interlock.activities.tools.ToolException;
import io.interlock.activities.tools.ToolRegistry;
import io.interlock.activities.tools.WriteTool;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.Preview;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tool catalog's API contract, run unchanged on the simulated cluster and on the real control
 * plane (deploy/control-plane: kube-apiserver, kube-controller-manager, kwok). Writes are counted
 * where they land: the simulator's mutation log, the real API server's audit log.
 */
@DisplayName("the tool catalog on the simulated cluster and on a real kube-apiserver")
class CatalogOnTwoClustersTest {
  private static final String SECRET_VALUE = "s3cr3t-catalog-value";
  private final ToolRegistry registry = KubernetesCatalog.registry();
  private TestCluster cluster;
  private String ns;
  private ToolContext ctx;

  static Stream<Supplier<TestCluster>> clusters() {
    return Stream.of(
        named("simulated", SimulatedTestCluster::new), named("real", RealTestCluster::new));
  }

  private static Supplier<TestCluster> named(String name, Supplier<TestCluster> s) {
    return new Supplier<>() {
      @Override
      public TestCluster get() {
        return s.get();
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  /**
   * shop/web (2 replicas, nginx:1.25) and ConfigMap web-config, seeded by the fixtures identity.
   */
  private void seed(Supplier<TestCluster> which) {
    cluster = which.get();
    ns = cluster.namespace();
    KubernetesClient f = cluster.fixtures();
    if (f.namespaces().withName(ns).get() == null) {
      f.namespaces()
          .resource(
              new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                  .withNewMetadata()
                  .withName(ns)
                  .endMetadata()
                  .build())
          .create();
    }
    f.resource(Fixtures.deployment(ns, "web", 2, "nginx:1.25")).create();
    f.resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("web-config")
                .withNamespace(ns)
                .endMetadata()
                .addToData("FEATURE_FLAGS", "checkout-v2=false")
                .build())
        .create();
    ctx = new ToolContext("test", cluster.tools(), Clock.systemUTC(), Duration.ofMillis(20));
    cluster.startCounting();
  }

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private WriteTool write(String name) {
    return (WriteTool) registry.find(name).orElseThrow();
  }

  private ToolArgs valid(ToolCall call) {
    List<String> problems = registry.resolve(call).problems();
    assertThat(problems).as("schema problems of %s", call).isEmpty();
    return new ToolArgs(call.args());
  }

  private Execution approveAndRun(ToolCall call) {
    ToolArgs args = valid(call);
    return write(call.tool()).execute(ctx, args, write(call.tool()).preview(ctx, args).target());
  }

  private Deployment web() {
    return cluster.fixtures().apps().deployments().inNamespace(ns).withName("web").get();
  }

  private String image() {
    return web().getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clusters")
  @DisplayName(
      "previews of scale, set-image, apply and delete persist nothing (server-side dry run)")
  void previewsPersistNothing(Supplier<TestCluster> which) {
    seed(which);
    // Not the resourceVersion: on a real cluster the controllers write status at any moment.
    long generation = web().getMetadata().getGeneration();

    write("k8s.scale")
        .preview(
            ctx,
            valid(new ToolCall("k8s.scale", map("namespace", ns, "name", "web", "replicas", 5))));
    write("k8s.set-image")
        .preview(
            ctx,
            valid(
                new ToolCall(
                    "k8s.set-image", map("namespace", ns, "name", "web", "image", "nginx:1.27"))));
    write("k8s.delete")
        .preview(
            ctx,
            valid(
                new ToolCall(
                    "k8s.delete",
                    map("kind", "ConfigMap", "namespace", ns, "name", "web-config"))));
    Preview apply =
        write("k8s.apply")
            .preview(
                ctx,
                valid(
                    new ToolCall(
                        "k8s.apply",
                        map(
                            "manifest",
                            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fresh, namespace: "
                                + ns
                                + "}\ndata: {a: b}\n"))));

    assertThat(apply.intended().at("/data/a").asText()).isEqualTo("b");
    assertThat(cluster.mutations()).isEmpty();
    assertThat(web().getMetadata().getGeneration()).isEqualTo(generation);
    assertThat(web().getSpec().getReplicas()).isEqualTo(2);
    assertThat(cluster.fixtures().configMaps().inNamespace(ns).withName("fresh").get()).isNull();
    assertThat(cluster.fixtures().configMaps().inNamespace(ns).withName("web-config").get())
        .isNotNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clusters")
  @DisplayName(
      "server-side apply over fields another manager owns fails CONFLICT naming that manager, and writes nothing")
  void applyConflictNamesManager(Supplier<TestCluster> which) {
    seed(which);
    cluster
        .fixtures()
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("flags")
                .withNamespace(ns)
                .endMetadata()
                .addToData("checkout", "v1")
                .build())
        .fieldManager("helm")
        .serverSideApply();
    cluster.startCounting();

    assertThatThrownBy(
            () ->
                write("k8s.apply")
                    .preview(
                        ctx,
                        valid(
                            new ToolCall(
                                "k8s.apply",
                                map(
                                    "manifest",
                                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags, namespace: "
                                        + ns
                                        + "}\ndata: {checkout: v2}\n")))))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("\"helm\"")
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.CONFLICT);
    assertThat(cluster.mutations()).isEmpty();
    assertThat(cluster.fixtures().configMaps().inNamespace(ns).withName("flags").get().getData())
        .containsEntry("checkout", "v1");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clusters")
  @DisplayName(
      "scale is one guarded update of the Deployment (not a blind /scale call); a change after approval fails TARGET_CHANGED and writes nothing")
  void scaleAndPrecondition(Supplier<TestCluster> which) {
    seed(which);
    ToolCall to5 = new ToolCall("k8s.scale", map("namespace", ns, "name", "web", "replicas", 5));
    Preview p = write("k8s.scale").preview(ctx, valid(to5));
    cluster
        .fixtures()
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName("web")
        .edit(
            d -> {
              d.getSpec().setReplicas(3);
              return d;
            });
    cluster.startCounting();

    assertThatThrownBy(() -> write("k8s.scale").execute(ctx, valid(to5), p.target()))
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.TARGET_CHANGED);
    assertThat(cluster.mutations()).isEmpty();
    assertThat(web().getSpec().getReplicas()).isEqualTo(3);

    approveAndRun(to5);
    assertThat(web().getSpec().getReplicas()).isEqualTo(5);
    assertThat(cluster.mutations())
        .singleElement()
        .asString()
        .containsIgnoringCase("/deployments/web")
        .doesNotContain("/scale");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clusters")
  @DisplayName("rollout restart and undo work on the ReplicaSets the Deployment controller made")
  void restartAndUndo(Supplier<TestCluster> which) {
    seed(which);
    cluster.rolledOut("web");
    approveAndRun(
        new ToolCall("k8s.set-image", map("namespace", ns, "name", "web", "image", "nginx:1.26")));
    cluster.rolledOut("web");
    JsonNode history =
        ((ReadTool) registry.find("k8s.rollout-history").orElseThrow())
            .read(ctx, new ToolArgs(map("namespace", ns, "name", "web")));
    assertThat(history.get("currentRevision").asLong()).isEqualTo(2);
    assertThat(history.at("/revisions/0/images/0").asText()).isEqualTo("web=nginx:1.25");

    ToolCall undo = new ToolCall("k8s.rollout-undo", map("namespace", ns, "name", "web"));
    Preview p = write("k8s.rollout-undo").preview(ctx, valid(undo));
    assertThat(p.summary())
        .isEqualTo(
            "rollout-undo Deployment "
                + ns
                + "/web to revision 1 (images [nginx:1.26] -> [nginx:1.25])");
    write("k8s.rollout-undo").execute(ctx, valid(undo), p.target());
    cluster.rolledOut("web");
    assertThat(image()).isEqualTo("nginx:1.25");

    approveAndRun(new ToolCall("k8s.rollout-restart", map("namespace", ns, "name", "web")));
    cluster.rolledOut("web");
    assertThat(web().getSpec().getTemplate().getMetadata().getAnnotations())
        .containsKey("kubectl.kubernetes.io/restartedAt");
    assertThat(cluster.fixtures().apps().replicaSets().inNamespace(ns).list().getItems())
        .as("one ReplicaSet per distinct template: 1.25, 1.26, restarted")
        .hasSize(3);
    assertThat(cluster.mutations()).hasSize(3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clusters")
  @DisplayName(
      "delete carries preconditions: changed or re-created after approval fails TARGET_CHANGED; approved, it deletes once")
  void deleteWithPreconditions(Supplier<TestCluster> which) {
    seed(which);
    ToolCall del =
        new ToolCall("k8s.delete", map("kind", "ConfigMap", "namespace", ns, "name", "web-config"));
    Preview p = write("k8s.delete").preview(ctx, valid(del));
    var recreated =
        new io.interlock.contract.values.TargetRef(
            p.target().apiVersion(),
            p.target().kind(),
            p.target().namespace(),
            p.target().name(),
            "another-uid",
            p.target().resourceVersion(),
            true);
    assertThatThrownBy(() -> write("k8s.delete").execute(ctx, valid(del), recreated))
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.TARGET_CHANGED);
    assertThat(cluster.mutations()).isEmpty();
    cluster
        .fixtures()
        .configMaps()
        .inNamespace(ns)
        .withName("web-config")
        .edit(
            cm -> {
              cm.getData().put("x", "y");
              return cm;
            });
    cluster.startCounting();
    assertThatThrownBy(() -> write("k8s.delete").execute(ctx, valid(del), p.target()))
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.TARGET_CHANGED);
    assertThat(cluster.fixtures().configMaps().inNamespace(ns).withName("web-config").get())
        .isNotNull();
    assertThat(cluster.mutations()).isEmpty();

    approveAndRun(del);
    assertThat(cluster.fixtures().configMaps().inNamespace(ns).withName("web-config").get())
        .isNull();
    assertThat(cluster.mutations())
        .hasSize(1)
        .allSatisfy(m -> assertThat(m.toLowerCase()).startsWith("delete "));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clusters")
  @DisplayName("reads of a Secret show its keys, never its values")
  void secretsRedacted(Supplier<TestCluster> which) {
    seed(which);
    cluster
        .fixtures()
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName("api-credentials")
                .endMetadata()
                .addToStringData("password", SECRET_VALUE)
                .build())
        .create();
    String b64 = java.util.Base64.getEncoder().encodeToString(SECRET_VALUE.getBytes());

    for (String tool : List.of("k8s.get", "k8s.describe")) {
      JsonNode r =
          ((ReadTool) registry.find(tool).orElseThrow())
              .read(
                  ctx,
                  valid(
                      new ToolCall(
                          tool,
                          map("kind", "Secret", "namespace", ns, "name", "api-credentials"))));
      assertThat(Json.text(r)).contains("password").doesNotContain(SECRET_VALUE, b64);
    }
    JsonNode list =
        ((ReadTool) registry.find("k8s.list").orElseThrow())
            .read(ctx, valid(new ToolCall("k8s.list", map("kind", "Secret", "namespace", ns))));
    assertThat(Json.text(list)).doesNotContain(SECRET_VALUE, b64);
  }
}
