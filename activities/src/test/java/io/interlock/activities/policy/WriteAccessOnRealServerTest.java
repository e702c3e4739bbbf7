package io.interlock.activities.policy;

import static io.interlock.activities.k8s.Fixtures.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.activities.controlplane.ControlPlane;
import io.interlock.activities.k8s.Fixtures;
import io.interlock.activities.k8s.KubernetesCatalog;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.WriteTool;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.Preview;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The permissions the policy's access review asks for before a write ({@link WriteAccess}) are the
 * ones the write then needs on a real kube-apiserver: an identity granted exactly those (plus
 * reads) must be able to run the tool. Otherwise the review passes a write the server refuses, or
 * blocks one it would allow.
 */
@DisplayName(
    "the access review asks for the permissions each write really uses (real kube-apiserver)")
class WriteAccessOnRealServerTest {
  private static final List<String> READS = List.of("get", "list", "watch");

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "k8s.scale",
        "k8s.set-image",
        "k8s.rollout-restart",
        "k8s.delete",
        "k8s.apply new",
        "k8s.apply existing"
      })
  @DisplayName("given a Role with exactly the reviewed permissions and reads, the tool runs")
  void reviewedPermissionsSuffice(String which) {
    ControlPlane plane = ControlPlane.get();
    String ns = plane.newNamespace("access");
    KubernetesClient admin = plane.admin();
    admin.resource(Fixtures.deployment(ns, "web", 1, "nginx:1.25")).create();
    // Settled first: the controller's revision annotation comes after creation and would otherwise
    // change the previewed snapshot before the write (TARGET_CHANGED), as in GateOnRealServerTest.
    admin
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName("web")
        .waitUntilCondition(
            d ->
                d != null
                    && d.getMetadata().getAnnotations() != null
                    && d.getMetadata()
                        .getAnnotations()
                        .containsKey("deployment.kubernetes.io/revision"),
            2,
            TimeUnit.MINUTES);
    admin
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("web-config")
                .withNamespace(ns)
                .endMetadata()
                .addToData("a", "b")
                .build())
        .fieldManager("interlock")
        .serverSideApply();
    ToolCall call =
        switch (which) {
          case "k8s.scale" ->
              new ToolCall(which, map("namespace", ns, "name", "web", "replicas", 3));
          case "k8s.set-image" ->
              new ToolCall(which, map("namespace", ns, "name", "web", "image", "nginx:1.26"));
          case "k8s.rollout-restart" -> new ToolCall(which, map("namespace", ns, "name", "web"));
          case "k8s.delete" ->
              new ToolCall(which, map("kind", "ConfigMap", "namespace", ns, "name", "web-config"));
          case "k8s.apply new" ->
              new ToolCall(
                  "k8s.apply",
                  map(
                      "manifest",
                      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fresh, namespace: "
                          + ns
                          + "}\ndata: {a: b}\n"));
          default ->
              new ToolCall(
                  "k8s.apply",
                  map(
                      "manifest",
                      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config, namespace: "
                          + ns
                          + "}\ndata: {a: c}\n"));
        };
    WriteTool tool = (WriteTool) KubernetesCatalog.registry().find(call.tool()).orElseThrow();
    ToolArgs args = new ToolArgs(call.args());
    Preview preview = tool.preview(Fixtures.context(admin), args);
    List<AccessRequest> reviewed =
        WriteAccess.required(call.tool(), CallTarget.of(call, preview), true);

    String user = "interlock-access-" + which.replace(' ', '-').replace('.', '-');
    List<PolicyRule> rules = new ArrayList<>();
    for (AccessRequest r : reviewed) {
      rules.add(
          new PolicyRuleBuilder()
              .withApiGroups(r.group())
              .withVerbs(r.verb())
              .withResources(r.resource() + (r.subresource() == null ? "" : "/" + r.subresource()))
              .build());
    }
    rules.add(
        new PolicyRuleBuilder()
            .withApiGroups("", "apps")
            .withVerbs(READS)
            .withResources("deployments", "replicasets", "pods", "configmaps", "events")
            .build());
    admin
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName(user)
                .withNamespace(ns)
                .endMetadata()
                .withRules(rules)
                .build())
        .create();
    admin
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName(user)
                .withNamespace(ns)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", user)
                .addNewSubject()
                .withKind("User")
                .withApiGroup("rbac.authorization.k8s.io")
                .withName(user)
                .endSubject()
                .build())
        .create();
    KubernetesClient worker = plane.as(user, List.of());
    var ctx = Fixtures.context(worker);
    for (AccessRequest r : reviewed) {
      assertThat(new SelfSubjectAccessReviewer(worker).review(r).allowed())
          .as("review of %s", r.describe())
          .isTrue();
    }

    tool.execute(ctx, args, tool.preview(ctx, args).target());

    assertThat(plane.mutations(user)).as("the write %s reached the server", which).hasSize(1);
    admin.namespaces().withName(ns).delete();
  }
}
