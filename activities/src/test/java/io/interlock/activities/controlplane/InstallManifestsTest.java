package io.interlock.activities.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.interlock.activities.kubectl.Kubectl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * deploy/install (kustomize) accepted by a real kube-apiserver in a server-side dry run: schema
 * validation, RBAC objects, the admission policy, and Pod Security "restricted" on the worker.
 */
@DisplayName("deploy/install passes a server-side dry run on a real kube-apiserver")
class InstallManifestsTest {

  @Test
  @DisplayName(
      "given the kustomized install, kubectl apply --dry-run=server should accept every object and persist none")
  void serverSideDryRun() throws IOException {
    ControlPlane plane = ControlPlane.get();
    // Namespaced objects need their namespace to exist; a dry run of it would not create it.
    for (String ns : new String[] {"interlock", "shop", "payments"}) {
      plane
          .admin()
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .serverSideApply();
    }
    Kubectl kubectl = new Kubectl(plane.adminKubeconfig());
    Kubectl.Result built = kubectl.run(Duration.ofSeconds(60), "kustomize", "../deploy/install");
    assertThat(built.exitCode()).as(built.output()).isZero();
    Path manifest = Files.createTempFile("interlock-install", ".yaml");
    Files.writeString(manifest, built.output());

    // Once the backstop protects shop/payments, changing Interlock's own roles there is a
    // break-glass act.
    Kubectl.Result applied =
        kubectl.run(
            Duration.ofSeconds(60),
            "apply",
            "--dry-run=server",
            "--server-side",
            "--as=installer",
            "--as-group=system:masters",
            "--as-group=interlock:break-glass",
            "-f",
            manifest.toString());

    assertThat(applied.exitCode()).as(applied.output()).isZero();
    assertThat(applied.output())
        .contains(
            "deployment.apps/interlock-worker-prod serverside-applied (server dry run)",
            "validatingadmissionpolicy.admissionregistration.k8s.io/interlock-backstop serverside-applied (server dry run)",
            "networkpolicy.networking.k8s.io/interlock-worker serverside-applied (server dry run)",
            "configmap/interlock-policy serverside-applied (server dry run)");
    assertThat(
            plane
                .admin()
                .apps()
                .deployments()
                .inNamespace("interlock")
                .withName("interlock-worker-prod")
                .get())
        .isNull();
  }
}
