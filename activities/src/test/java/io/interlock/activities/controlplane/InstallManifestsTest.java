package io.interlock.activities.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.activities.kubectl.Kubectl;
import io.interlock.activities.policy.AccessRequest;
import io.interlock.activities.policy.SelfSubjectAccessReviewer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * deploy/install (kustomize) accepted by a real kube-apiserver in a server-side dry run: schema
 * validation, RBAC objects, the admission policy, and Pod Security "restricted" on the API and the
 * worker; and its RBAC, applied for real, gives the API's ServiceAccount no cluster rights.
 */
@DisplayName("deploy/install on a real kube-apiserver")
class InstallManifestsTest {
  static final String API_SA = "system:serviceaccount:interlock:interlock-api";
  static final String WORKER_SA = "system:serviceaccount:interlock:interlock-worker-prod";
  static final List<String> SA_GROUPS =
      List.of("system:serviceaccounts", "system:serviceaccounts:interlock", "system:authenticated");
  static ControlPlane plane;
  static String manifest;

  @BeforeAll
  static void kustomize() {
    plane = ControlPlane.get();
    // Namespaced objects need their namespace to exist; a dry run of it would not create it.
    for (String ns : new String[] {"interlock", "shop", "payments"}) {
      plane
          .admin()
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .serverSideApply();
    }
    Kubectl.Result built =
        new Kubectl(plane.adminKubeconfig())
            .run(Duration.ofSeconds(60), "kustomize", "../deploy/install");
    assertThat(built.exitCode()).as(built.output()).isZero();
    manifest = built.output();
  }

  /** Once the backstop protects shop/payments, changing Interlock's roles there is break-glass. */
  static KubernetesClient installer() {
    return plane.as("installer", List.of("system:masters", "interlock:break-glass"));
  }

  static List<HasMetadata> objects() {
    return plane
        .admin()
        .load(new ByteArrayInputStream(manifest.getBytes(StandardCharsets.UTF_8)))
        .items();
  }

  @Test
  @DisplayName(
      "given the kustomized install, kubectl apply --dry-run=server should accept every object and persist none")
  void serverSideDryRun() throws IOException {
    Path file = Files.createTempFile("interlock-install", ".yaml");
    Files.writeString(file, manifest);

    Kubectl.Result applied =
        new Kubectl(plane.adminKubeconfig())
            .run(
                Duration.ofSeconds(60),
                "apply",
                "--dry-run=server",
                "--server-side",
                "--as=installer",
                "--as-group=system:masters",
                "--as-group=interlock:break-glass",
                "-f",
                file.toString());

    assertThat(applied.exitCode()).as(applied.output()).isZero();
    assertThat(applied.output())
        .contains(
            "serviceaccount/interlock-api serverside-applied (server dry run)",
            "deployment.apps/interlock-api serverside-applied (server dry run)",
            "service/interlock-api serverside-applied (server dry run)",
            "deployment.apps/interlock-worker-prod serverside-applied (server dry run)",
            "validatingadmissionpolicy.admissionregistration.k8s.io/interlock-backstop serverside-applied (server dry run)",
            "networkpolicy.networking.k8s.io/interlock-api serverside-applied (server dry run)",
            "networkpolicy.networking.k8s.io/interlock-worker-prod serverside-applied (server dry run)",
            "configmap/interlock-policy serverside-applied (server dry run)");
    for (String deployment : List.of("interlock-api", "interlock-worker-prod")) {
      assertThat(
              plane
                  .admin()
                  .apps()
                  .deployments()
                  .inNamespace("interlock")
                  .withName(deployment)
                  .get())
          .as("a dry run persisted Deployment %s", deployment)
          .isNull();
    }
  }

  @Test
  @DisplayName(
      "given the install's ServiceAccounts and RBAC applied, the API's ServiceAccount may write nothing and read no Secret, while the worker's may write in its namespaces")
  void apiServiceAccountHasNoClusterRights() {
    Set<String> rbacKinds =
        Set.of("ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding");
    List<HasMetadata> rbac =
        objects().stream().filter(o -> rbacKinds.contains(o.getKind())).toList();
    List<Subject> subjects = new ArrayList<>();
    for (HasMetadata o : rbac) {
      if (o instanceof RoleBinding b) {
        subjects.addAll(b.getSubjects());
      } else if (o instanceof ClusterRoleBinding b) {
        subjects.addAll(b.getSubjects());
      }
    }
    assertThat(subjects).extracting(Subject::getName).doesNotContain("interlock-api");
    installer().resourceList(rbac).forceConflicts().serverSideApply();

    var api = new SelfSubjectAccessReviewer(plane.as(API_SA, SA_GROUPS));
    var worker = new SelfSubjectAccessReviewer(plane.as(WORKER_SA, SA_GROUPS));
    List<AccessRequest> writes = new ArrayList<>();
    for (String ns : List.of("shop", "payments", "interlock", "default")) {
      for (String verb : List.of("create", "update", "patch", "delete")) {
        writes.add(new AccessRequest(verb, "apps", "deployments", null, ns, null));
        writes.add(new AccessRequest(verb, "", "configmaps", null, ns, null));
        writes.add(new AccessRequest(verb, "", "pods", null, ns, null));
        writes.add(new AccessRequest(verb, "", "secrets", null, ns, null));
      }
      writes.add(new AccessRequest("get", "", "secrets", null, ns, null));
      writes.add(new AccessRequest("update", "apps", "deployments", "scale", ns, null));
    }
    writes.add(new AccessRequest("update", "", "nodes", null, null, null));
    writes.add(new AccessRequest("delete", "", "namespaces", null, null, "shop"));
    writes.add(
        new AccessRequest(
            "delete",
            "admissionregistration.k8s.io",
            "validatingadmissionpolicybindings",
            null,
            null,
            "interlock-backstop"));
    for (AccessRequest w : writes) {
      assertThat(api.review(w).allowed()).as("the API may %s", w.describe()).isFalse();
    }
    // The same review says yes where the roles grant it, so the refusals above are not vacuous.
    assertThat(
            worker
                .review(new AccessRequest("patch", "apps", "deployments", null, "shop", null))
                .allowed())
        .isTrue();
    assertThat(
            worker
                .review(new AccessRequest("get", "", "secrets", null, "payments", null))
                .allowed())
        .isTrue();
  }
}
