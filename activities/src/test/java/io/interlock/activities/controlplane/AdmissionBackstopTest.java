package io.interlock.activities.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.interlock.activities.k8s.Fixtures;
import io.interlock.activities.k8s.write.ScaleTool;
import io.interlock.activities.policy.AccessRequest;
import io.interlock.activities.policy.SelfSubjectAccessReviewer;
import io.interlock.activities.tools.ToolArgs;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * deploy/admission (the backstop) and deploy/rbac (the worker's roles) installed on a real
 * kube-apiserver: in protected namespaces only the worker ServiceAccount (a real token) and the
 * break-glass group write; the agent's own credentials are refused even with RBAC that allows the
 * write; the worker's access reviews agree with what the server then enforces.
 */
@DisplayName("deploy/admission and deploy/rbac on a real kube-apiserver")
class AdmissionBackstopTest {
  static final String AGENT = "agent:incident-bot";
  static final String WORKER = "system:serviceaccount:interlock:interlock-worker-prod";
  static ControlPlane plane;
  static KubernetesClient breakGlass;
  static KubernetesClient agent;
  static KubernetesClient worker;

  @BeforeAll
  static void install() throws IOException {
    plane = ControlPlane.get();
    KubernetesClient admin = plane.admin();
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("interlock").endMetadata().build())
        .serverSideApply();
    for (String ns : List.of("shop", "payments")) {
      admin
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(ns)
                  .addToLabels("interlock.io/protected", "true")
                  .endMetadata()
                  .build())
          .serverSideApply();
    }
    apply(admin, Path.of("../deploy/rbac/worker-prod.yaml"));
    // Test-only grants: the agent gets what would let it scale and edit ConfigMaps in shop, the
    // break-glass group gets the built-in edit role there.
    admin
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("agent-could-write")
                .withNamespace("shop")
                .endMetadata()
                .withRules(
                    new PolicyRuleBuilder()
                        .withApiGroups("apps")
                        .withResources("deployments", "deployments/scale")
                        .withVerbs("get", "list", "update", "patch")
                        .build(),
                    new PolicyRuleBuilder()
                        .withApiGroups("")
                        .withResources("configmaps")
                        .withVerbs("get", "create", "update", "patch", "delete")
                        .build())
                .build())
        .serverSideApply();
    admin
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("agent-could-write")
                .withNamespace("shop")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "agent-could-write")
                .addNewSubject()
                .withKind("User")
                .withApiGroup("rbac.authorization.k8s.io")
                .withName(AGENT)
                .endSubject()
                .build())
        .serverSideApply();
    admin
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("break-glass-edit")
                .withNamespace("shop")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "edit")
                .addNewSubject()
                .withKind("Group")
                .withApiGroup("rbac.authorization.k8s.io")
                .withName("interlock:break-glass")
                .endSubject()
                .build())
        .serverSideApply();
    admin
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("carol-edit")
                .withNamespace("shop")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "edit")
                .addNewSubject()
                .withKind("User")
                .withApiGroup("rbac.authorization.k8s.io")
                .withName("oncall:carol")
                .endSubject()
                .build())
        .serverSideApply();
    admin.resource(Fixtures.deployment("shop", "web", 2, "nginx:1.25")).serverSideApply();
    admin
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("web-config")
                .withNamespace("shop")
                .endMetadata()
                .addToData("FEATURE_FLAGS", "checkout-v2=false")
                .build())
        .serverSideApply();
    // From here on the admin (not a worker, not break-glass, not a cluster component) is refused
    // too.
    apply(admin, Path.of("../deploy/admission/backstop.yaml"));
    breakGlass = plane.as("oncall:carol", List.of("interlock:break-glass"));
    agent = plane.as(AGENT, List.of("agents"));
    worker = plane.withServiceAccountToken("interlock", "interlock-worker-prod");
    // The API server loads policies asynchronously: wait (bounded) until a dry-run by the agent
    // meets it.
    await("the backstop taking effect")
        .atMost(Duration.ofMinutes(1))
        .until(() -> refusedByBackstop(AdmissionBackstopTest::agentDryRunScale));
  }

  static void apply(KubernetesClient c, Path file) throws IOException {
    try (FileInputStream in = new FileInputStream(file.toFile())) {
      c.load(in).forceConflicts().serverSideApply();
    }
  }

  static void agentDryRunScale() {
    agent
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("web")
        .dryRun()
        .edit(
            d -> {
              d.getSpec().setReplicas(7);
              return d;
            });
  }

  static boolean refusedByBackstop(Runnable write) {
    try {
      write.run();
      return false;
    } catch (KubernetesClientException e) {
      return e.getCode() == 403 && e.getMessage().contains("interlock-backstop");
    }
  }

  static int replicas() {
    return plane
        .admin()
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("web")
        .get()
        .getSpec()
        .getReplicas();
  }

  @Test
  @DisplayName(
      "given RBAC that allows it, the agent's own credentials still cannot scale, patch, create or delete in a protected namespace")
  void agentRefusedDespiteRbac() {
    var review = new SelfSubjectAccessReviewer(agent);
    assertThat(
            review
                .review(new AccessRequest("patch", "apps", "deployments", "scale", "shop", "web"))
                .allowed())
        .isTrue();
    assertThat(
            review
                .review(new AccessRequest("create", "", "configmaps", null, "shop", null))
                .allowed())
        .isTrue();
    int before = replicas();

    List<Runnable> writes =
        List.of(
            () -> agent.apps().deployments().inNamespace("shop").withName("web").scale(9),
            () ->
                agent
                    .apps()
                    .deployments()
                    .inNamespace("shop")
                    .withName("web")
                    .edit(
                        d -> {
                          d.getSpec()
                              .getTemplate()
                              .getSpec()
                              .getContainers()
                              .get(0)
                              .setImage("evil:latest");
                          return d;
                        }),
            () ->
                agent
                    .configMaps()
                    .inNamespace("shop")
                    .resource(
                        new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("agent-was-here")
                            .endMetadata()
                            .build())
                    .create(),
            () -> agent.configMaps().inNamespace("shop").withName("web-config").delete());
    for (Runnable w : writes) {
      assertThatThrownBy(w::run)
          .isInstanceOf(KubernetesClientException.class)
          .hasMessageContaining("interlock-backstop: " + AGENT + " may not")
          .hasMessageContaining("in protected namespace shop")
          .extracting(e -> ((KubernetesClientException) e).getCode())
          .isEqualTo(403);
    }
    assertThat(plane.mutations(AGENT)).isEmpty();
    assertThat(replicas()).isEqualTo(before);
  }

  @Test
  @DisplayName(
      "given the agent, it cannot lift the backstop: deleting the binding or unlabelling the namespace is forbidden")
  void agentCannotLiftBackstop() {
    assertThatThrownBy(
            () ->
                agent
                    .admissionRegistration()
                    .v1()
                    .validatingAdmissionPolicyBindings()
                    .withName("interlock-backstop")
                    .delete())
        .extracting(e -> ((KubernetesClientException) e).getCode())
        .isEqualTo(403);
    assertThatThrownBy(
            () ->
                agent
                    .namespaces()
                    .withName("shop")
                    .edit(
                        n -> {
                          n.getMetadata().getLabels().remove("interlock.io/protected");
                          return n;
                        }))
        .extracting(e -> ((KubernetesClientException) e).getCode())
        .isEqualTo(403);
    assertThat(plane.admin().namespaces().withName("shop").get().getMetadata().getLabels())
        .containsEntry("interlock.io/protected", "true");
  }

  @Test
  @DisplayName(
      "given the worker's real ServiceAccount token, the k8s.scale tool previews and writes once in the protected namespace")
  void workerWrites() {
    var ctx = Fixtures.context(worker);
    var tool = new ScaleTool();
    ToolArgs args = Fixtures.args("namespace", "shop", "name", "web", "replicas", replicas() + 1);
    int want = replicas() + 1;
    int seen = plane.mutations(WORKER).size();

    tool.execute(ctx, args, tool.preview(ctx, args).target());

    assertThat(replicas()).isEqualTo(want);
    assertThat(plane.mutations(WORKER).subList(seen, plane.mutations(WORKER).size()))
        .singleElement()
        .asString()
        .startsWith("update /apis/apps/v1/namespaces/shop/deployments/web?");
  }

  @Test
  @DisplayName(
      "given the worker's roles, every SelfSubjectAccessReview answer matches what the server then enforces")
  void accessReviewsMatchEnforcement() {
    var review = new SelfSubjectAccessReviewer(worker);
    Map<AccessRequest, Consumer<KubernetesClient>> attempts =
        Map.of(
            new AccessRequest("patch", "apps", "deployments", null, "shop", "web"),
            c -> c.apps().deployments().inNamespace("shop").withName("web").dryRun().edit(d -> d),
            new AccessRequest("create", "", "configmaps", null, "payments", null),
            c ->
                c.configMaps()
                    .inNamespace("payments")
                    .resource(
                        new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("w")
                            .endMetadata()
                            .build())
                    .dryRun()
                    .create(),
            new AccessRequest("create", "", "secrets", null, "shop", null),
            c ->
                c.secrets()
                    .inNamespace("shop")
                    .resource(
                        new SecretBuilder().withNewMetadata().withName("w").endMetadata().build())
                    .dryRun()
                    .create(),
            new AccessRequest("create", "", "configmaps", null, "kube-system", null),
            c ->
                c.configMaps()
                    .inNamespace("kube-system")
                    .resource(
                        new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("w")
                            .endMetadata()
                            .build())
                    .dryRun()
                    .create(),
            new AccessRequest("delete", "", "namespaces", null, null, "shop"),
            c -> c.namespaces().withName("shop").dryRun().delete());
    int allowed = 0;
    for (var a : attempts.entrySet()) {
      boolean reviewed = review.review(a.getKey()).allowed();
      boolean enforced;
      try {
        a.getValue().accept(worker);
        enforced = true;
      } catch (KubernetesClientException e) {
        assertThat(e.getCode()).as("%s: %s", a.getKey().describe(), e.getMessage()).isEqualTo(403);
        enforced = false;
      }
      assertThat(enforced)
          .as("server enforcement of %s", a.getKey().describe())
          .isEqualTo(reviewed);
      allowed += reviewed ? 1 : 0;
    }
    assertThat(allowed).as("both outcomes are exercised").isEqualTo(2);
  }

  @Test
  @DisplayName(
      "given the break-glass group, a person can write; the same person without the group cannot")
  void breakGlassGroup() {
    breakGlass
        .configMaps()
        .inNamespace("shop")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("incident-note")
                .endMetadata()
                .addToData("by", "carol")
                .build())
        .serverSideApply();
    assertThat(plane.admin().configMaps().inNamespace("shop").withName("incident-note").get())
        .isNotNull();

    KubernetesClient carolAlone = plane.as("oncall:carol", List.of("oncall"));
    assertThat(
            refusedByBackstop(
                () ->
                    carolAlone.configMaps().inNamespace("shop").withName("incident-note").delete()))
        .isTrue();
    assertThat(plane.admin().configMaps().inNamespace("shop").withName("incident-note").get())
        .isNotNull();
  }
}
