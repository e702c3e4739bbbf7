package io.interlock.simcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "Server-side apply creates, merges and refuses to take fields another manager owns unless forced")
class ServerSideApplyTest {

  private static SimulatedCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster = SimulatedCluster.builder().runController(false).start().seedDemo();
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static Deployment replicas(int n) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace("shop")
        .endMetadata()
        .withNewSpec()
        .withReplicas(n)
        .endSpec()
        .build();
  }

  @Test
  @DisplayName(
      "given no object, apply should create it with the applier as owner; a second apply should merge")
  void givenNoObject_applyShouldCreateThenMerge() {
    var cm =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("applied")
            .withNamespace("shop")
            .endMetadata()
            .addToData("a", "1")
            .build();
    client
        .configMaps()
        .inNamespace("shop")
        .resource(cm)
        .fieldManager("interlock")
        .serverSideApply();
    var more =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("applied")
            .withNamespace("shop")
            .withLabels(java.util.Map.of("x", "y"))
            .endMetadata()
            .addToData("a", "1")
            .addToData("b", "2")
            .build();

    var result =
        client
            .configMaps()
            .inNamespace("shop")
            .resource(more)
            .fieldManager("interlock")
            .serverSideApply();

    assertThat(result.getData()).containsEntry("a", "1").containsEntry("b", "2");
    assertThat(result.getMetadata().getLabels()).containsEntry("x", "y");
    assertThat(result.getMetadata().getManagedFields())
        .extracting(f -> f.getManager() + "/" + f.getOperation())
        .containsExactly("interlock/Apply");
  }

  @Test
  @DisplayName(
      "given .spec.replicas owned by kubectl-client-side-apply, a different value applied without force should fail with 409 naming the manager and field")
  void givenFieldOwnedByOther_applyShouldConflict() {
    long before = cluster.mutations();

    assertThatThrownBy(
            () ->
                client
                    .apps()
                    .deployments()
                    .inNamespace("shop")
                    .resource(replicas(5))
                    .fieldManager("interlock")
                    .serverSideApply())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(409);
              assertThat(e.getStatus().getMessage())
                  .isEqualTo(
                      "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas");
              assertThat(e.getStatus().getDetails().getCauses())
                  .singleElement()
                  .satisfies(c -> assertThat(c.getField()).isEqualTo(".spec.replicas"));
            });
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace("shop")
                .withName("web")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(2);
    assertThat(cluster.mutations()).isEqualTo(before);
  }

  @Test
  @DisplayName(
      "given the same conflict with force, apply should win and take ownership of the field")
  void givenForce_applyShouldTakeOwnership() {
    Deployment result =
        client
            .apps()
            .deployments()
            .inNamespace("shop")
            .resource(replicas(3))
            .fieldManager("interlock-force")
            .forceConflicts()
            .serverSideApply();

    assertThat(result.getSpec().getReplicas()).isEqualTo(3);
    assertThat(result.getSpec().getTemplate().getSpec().getContainers())
        .singleElement()
        .satisfies(c -> assertThat(c.getImage()).isEqualTo("nginx:1.25"));
    assertThat(result.getMetadata().getManagedFields())
        .anySatisfy(
            f -> {
              assertThat(f.getManager()).isEqualTo("interlock-force");
              assertThat(f.getOperation()).isEqualTo("Apply");
            });
    // the previous owner lost the field, so the new owner can change it again without force
    Deployment again =
        client
            .apps()
            .deployments()
            .inNamespace("shop")
            .resource(replicas(4))
            .fieldManager("interlock-force")
            .serverSideApply();
    assertThat(again.getSpec().getReplicas()).isEqualTo(4);
  }

  @Test
  @DisplayName("given a dry-run apply, should return the merged object and persist nothing")
  void givenDryRunApply_shouldNotPersist() {
    long before = cluster.mutations();
    var cm =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("dry-applied")
            .withNamespace("shop")
            .endMetadata()
            .addToData("a", "1")
            .build();

    var returned =
        client
            .configMaps()
            .inNamespace("shop")
            .resource(cm)
            .dryRun()
            .fieldManager("interlock")
            .serverSideApply();

    assertThat(returned.getData()).containsEntry("a", "1");
    assertThat(client.configMaps().inNamespace("shop").withName("dry-applied").get()).isNull();
    assertThat(cluster.mutations()).isEqualTo(before);
  }
}
