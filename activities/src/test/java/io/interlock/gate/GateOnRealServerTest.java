package io.interlock.gate;

import static io.interlock.gate.GateHarness.approve;
import static io.interlock.gate.GateHarness.awaitStep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.activities.controlplane.ControlPlane;
import io.interlock.activities.k8s.Fixtures;
import io.interlock.activities.policy.AccessRequest;
import io.interlock.activities.policy.SelfSubjectAccessReviewer;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.PolicyStage;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A task end to end on a real kube-apiserver: the workflow, and the real activities holding the
 * worker ServiceAccount's real token with deploy/rbac's roles (prod: namespaces shop and payments).
 * The policy also allows a namespace those roles do not cover. The API server's audit log is the
 * witness of what was sent.
 */
@DisplayName("the gate on a real kube-apiserver with the worker's ServiceAccount and deploy/rbac")
class GateOnRealServerTest {
  static final String WORKER = "system:serviceaccount:interlock:interlock-worker-prod";
  static ControlPlane plane;
  static KubernetesClient installer;
  static KubernetesClient worker;
  static String uncovered;
  static RealServerGate gate;

  @BeforeAll
  static void install() throws IOException {
    plane = ControlPlane.get();
    // system:masters and break-glass: deploy/admission may already protect shop and payments.
    installer = plane.as("installer", List.of("system:masters", "interlock:break-glass"));
    for (String ns : List.of("interlock", "shop", "payments")) {
      installer
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .serverSideApply();
    }
    applyRbac();
    uncovered = plane.newNamespace("ops");
    Path policy = Files.createTempFile("real-server-policy", ".yaml");
    Files.writeString(
        policy,
        """
        # The policy allows shop, payments and %s; the worker's roles cover only shop and payments.
        groups:
          sre: [alice, bob]
        environments:
          prod:
            cluster: {inCluster: true}
            allowedNamespaces: [shop, payments, %s]
            allowedTools: ["*"]
            approvals:
              groups: [sre]
              required: 1
        """
            .formatted(uncovered, uncovered));
    worker = plane.withServiceAccountToken("interlock", "interlock-worker-prod");
    gate = new RealServerGate(policy, "prod", worker);
  }

  @AfterAll
  static void close() {
    if (gate != null) {
      gate.close();
    }
  }

  static void applyRbac() throws IOException {
    try (FileInputStream in = new FileInputStream("../deploy/rbac/worker-prod.yaml")) {
      installer.load(in).forceConflicts().serverSideApply();
    }
  }

  static String deployment(String prefix, int replicas) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    installer.resource(Fixtures.deployment("shop", name, replicas, "nginx:1.25")).create();
    // Settled first, as a Deployment an agent finds: the controller's revision annotation comes
    // after creation and would otherwise change the approved snapshot (TARGET_CHANGED).
    installer
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName(name)
        .waitUntilCondition(
            d ->
                d != null
                    && d.getMetadata().getAnnotations() != null
                    && d.getMetadata()
                        .getAnnotations()
                        .containsKey("deployment.kubernetes.io/revision")
                    && d.getStatus() != null
                    && Objects.equals(d.getStatus().getReadyReplicas(), replicas),
            2,
            TimeUnit.MINUTES);
    return name;
  }

  static ToolCall scale(String name, int replicas) {
    return new ToolCall(
        "k8s.scale",
        Map.of("namespace", "shop", "kind", "Deployment", "name", name, "replicas", replicas));
  }

  /** What the worker's identity sent with a mutating verb naming {@code object} (audit log). */
  static List<String> sentFor(String object) {
    return plane.requests(WORKER).stream().filter(r -> r.contains("/" + object)).toList();
  }

  @Test
  @DisplayName(
      "given a write the roles allow (scale in shop), once approved it executes exactly once and verifies")
  void allowedWriteExecutesOnce() {
    String name = deployment("gate-web", 1);
    AgentTask task = gate.start("agent:bot");

    StepView s = task.propose(scale(name, 3));
    assertThat(s.state()).as("%s", s).isEqualTo(StepState.AWAITING_APPROVAL);
    assertThat(sentFor(name)).as("before approval").allMatch(r -> r.contains("dryRun=All"));
    approve(task, s, "alice");
    StepView done = awaitStep(task, s.stepId(), v -> v.state().isFinal());

    assertThat(done.state()).as("%s", done).isEqualTo(StepState.VERIFIED);
    assertThat(plane.mutations(WORKER).stream().filter(m -> m.contains("/" + name)))
        .singleElement()
        .asString()
        .startsWith("update /apis/apps/v1/namespaces/shop/deployments/" + name + "?");
    assertThat(
            plane
                .admin()
                .apps()
                .deployments()
                .inNamespace("shop")
                .withName(name)
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(3);
  }

  @Test
  @DisplayName(
      "given a write policy allows but the roles do not (delete in a namespace they do not cover), it is BLOCKED by rbac.ssar before its preview and the server receives no mutating request")
  void uncoveredNamespaceNeverSent() {
    installer
        .configMaps()
        .inNamespace(uncovered)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("ops-config")
                .endMetadata()
                .addToData("k", "v")
                .build())
        .create();
    assertThat(
            new SelfSubjectAccessReviewer(worker)
                .review(
                    new AccessRequest("delete", "", "configmaps", null, uncovered, "ops-config"))
                .allowed())
        .isFalse();
    AgentTask task = gate.start("agent:bot");

    StepView s =
        task.propose(
            new ToolCall(
                "k8s.delete",
                Map.of("kind", "ConfigMap", "namespace", uncovered, "name", "ops-config")));

    assertThat(s.state()).as("%s", s).isEqualTo(StepState.BLOCKED);
    assertThat(s.policy().ruleId()).isEqualTo("rbac.ssar");
    assertThat(s.policy().stage()).isEqualTo(PolicyStage.ACCESS);
    assertThat(s.policy().reason()).contains("may not delete", "configmaps", uncovered);
    assertThat(s.preview()).isNull();
    assertThat(
            plane.requests(WORKER).stream()
                .filter(r -> r.contains("/namespaces/" + uncovered + "/")))
        .as("mutating requests, dry runs included, the worker sent in %s", uncovered)
        .isEmpty();
    assertThat(plane.admin().configMaps().inNamespace(uncovered).withName("ops-config").get())
        .isNotNull();
  }

  @Test
  @DisplayName(
      "given a delete the roles do not allow in a namespace they cover (a Secret: get/list only), it is BLOCKED by rbac.ssar and not even its dry run is sent")
  void secretDeleteBlockedBeforeDryRun() {
    String name = "gate-secret-" + UUID.randomUUID().toString().substring(0, 8);
    installer
        .secrets()
        .inNamespace("shop")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addToStringData("k", "v")
                .build())
        .create();
    AgentTask task = gate.start("agent:bot");

    StepView s =
        task.propose(
            new ToolCall(
                "k8s.delete", Map.of("kind", "Secret", "namespace", "shop", "name", name)));

    assertThat(s.state()).as("%s", s).isEqualTo(StepState.BLOCKED);
    assertThat(s.policy().ruleId()).isEqualTo("rbac.ssar");
    assertThat(s.policy().stage()).isEqualTo(PolicyStage.ACCESS);
    assertThat(s.policy().reason()).contains("may not delete", "secrets", "shop");
    // What the real API server's RBAC then enforces agrees: the review said no, so nothing was
    // sent.
    assertThat(
            new SelfSubjectAccessReviewer(worker)
                .review(new AccessRequest("delete", "", "secrets", null, "shop", name))
                .allowed())
        .isFalse();
    assertThat(sentFor(name)).as("mutating requests, dry runs included, for %s", name).isEmpty();
    assertThat(plane.admin().secrets().inNamespace("shop").withName(name).get()).isNotNull();
  }

  @Test
  @DisplayName(
      "given the roles lose the permission between approval and execution, the re-check BLOCKs the step (rbac.ssar) and nothing is sent")
  void revokedBeforeExecutionBlocked() throws IOException {
    String name = deployment("gate-api", 1);
    AgentTask task = gate.start("agent:bot");
    StepView s = task.propose(scale(name, 4));
    assertThat(s.state()).as("%s", s).isEqualTo(StepState.AWAITING_APPROVAL);
    var review = new SelfSubjectAccessReviewer(worker);
    AccessRequest update = new AccessRequest("update", "apps", "deployments", null, "shop", name);
    try {
      installer
          .rbac()
          .roleBindings()
          .inNamespace("shop")
          .withName("interlock-worker-prod")
          .delete();
      // RBAC takes effect asynchronously in the API server: wait (bounded) until it says no.
      await("the binding's removal takes effect")
          .atMost(Duration.ofSeconds(30))
          .until(() -> !review.review(update).allowed());

      approve(task, s, "alice");
      StepView done = awaitStep(task, s.stepId(), v -> v.state().isFinal());

      assertThat(done.state()).as("%s", done).isEqualTo(StepState.BLOCKED);
      assertThat(done.recheck().ruleId()).isEqualTo("rbac.ssar");
      assertThat(done.recheck().reason()).contains("update", "deployments", "shop");
      assertThat(sentFor(name))
          .as("requests the worker sent for %s", name)
          .allMatch(r -> r.contains("dryRun=All"));
      assertThat(plane.mutations(WORKER).stream().filter(m -> m.contains("/" + name))).isEmpty();
    } finally {
      applyRbac();
    }
  }
}
