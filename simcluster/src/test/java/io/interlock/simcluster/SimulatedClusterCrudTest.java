package io.interlock.simcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "The simulated API server keeps the real server's write semantics and counts every persisted client write")
class SimulatedClusterCrudTest {

  private static SimulatedCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster = SimulatedCluster.builder().rolloutStepDelay(Duration.ofMillis(50)).start().seedDemo();
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @BeforeEach
  void reset() {
    cluster.resetMutations();
    cluster.allowAll();
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("shop")
        .endMetadata()
        .addToData("k", "v")
        .build();
  }

  @Test
  @DisplayName(
      "given a dry-run create, should return the would-be object, persist nothing and count nothing")
  void givenDryRunCreate_shouldNotPersist() {
    ConfigMap returned =
        client.configMaps().inNamespace("shop").resource(configMap("dry-create")).dryRun().create();

    assertThat(returned.getMetadata().getName()).isEqualTo("dry-create");
    assertThat(returned.getData()).containsEntry("k", "v");
    assertThat(client.configMaps().inNamespace("shop").withName("dry-create").get()).isNull();
    assertThat(cluster.mutations()).isZero();
  }

  @Test
  @DisplayName(
      "given a dry-run patch, should return the patched object, leave the stored one unchanged and count nothing")
  void givenDryRunPatch_shouldNotPersist() {
    String before =
        client
            .apps()
            .deployments()
            .inNamespace("shop")
            .withName("web")
            .get()
            .getMetadata()
            .getResourceVersion();

    Deployment returned =
        client
            .apps()
            .deployments()
            .inNamespace("shop")
            .withName("web")
            .dryRun()
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":7}}");

    assertThat(returned.getSpec().getReplicas()).isEqualTo(7);
    Deployment stored = client.apps().deployments().inNamespace("shop").withName("web").get();
    assertThat(stored.getSpec().getReplicas()).isEqualTo(2);
    assertThat(stored.getMetadata().getResourceVersion())
        .isIn(before, stored.getMetadata().getResourceVersion());
    assertThat(cluster.mutations()).isZero();
  }

  @Test
  @DisplayName("given a dry-run delete, should keep the object and count nothing")
  void givenDryRunDelete_shouldKeepObject() {
    client.configMaps().inNamespace("shop").withName("web-config").dryRun().delete();

    assertThat(client.configMaps().inNamespace("shop").withName("web-config").get()).isNotNull();
    assertThat(cluster.mutations()).isZero();
  }

  @Test
  @DisplayName(
      "given a real create, patch and delete, should count exactly three mutations with their paths")
  void givenWrites_shouldCountEach() {
    client.configMaps().inNamespace("shop").resource(configMap("counted")).create();
    client
        .configMaps()
        .inNamespace("shop")
        .withName("counted")
        .edit(cm -> new ConfigMapBuilder(cm).addToData("x", "y").build());
    client.configMaps().inNamespace("shop").withName("counted").delete();

    assertThat(cluster.mutations()).isEqualTo(3);
    assertThat(cluster.mutationLog())
        .containsExactly(
            "POST /api/v1/namespaces/shop/configmaps",
            "PATCH /api/v1/namespaces/shop/configmaps/counted",
            "DELETE /api/v1/namespaces/shop/configmaps/counted");
  }

  @Test
  @DisplayName(
      "given a PUT with a stale resourceVersion, should answer 409 Conflict and change nothing")
  void givenStaleResourceVersion_shouldConflict() {
    ConfigMap stale = client.configMaps().inNamespace("shop").resource(configMap("rv")).create();
    client
        .configMaps()
        .inNamespace("shop")
        .withName("rv")
        .edit(cm -> new ConfigMapBuilder(cm).addToData("k", "newer").build());
    cluster.resetMutations();

    stale.getData().put("k", "stale");
    assertThatThrownBy(() -> client.configMaps().inNamespace("shop").resource(stale).update())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(409);
              assertThat(e.getMessage())
                  .contains(
                      "the object has been modified; please apply your changes to the latest version");
            });
    assertThat(client.configMaps().inNamespace("shop").withName("rv").get().getData())
        .containsEntry("k", "newer");
    assertThat(cluster.mutations()).isZero();
  }

  @Test
  @DisplayName(
      "given a merge patch carrying a stale resourceVersion, should answer 409 Conflict and count nothing")
  void givenPatchWithStaleResourceVersion_shouldConflict() {
    String stale =
        client
            .configMaps()
            .inNamespace("shop")
            .withName("web-config")
            .get()
            .getMetadata()
            .getResourceVersion();
    client
        .configMaps()
        .inNamespace("shop")
        .withName("web-config")
        .edit(cm -> new ConfigMapBuilder(cm).addToData("touched", "1").build());
    cluster.resetMutations();

    String patch = "{\"metadata\":{\"resourceVersion\":\"" + stale + "\"},\"data\":{\"k\":\"x\"}}";
    assertThatThrownBy(
            () ->
                client
                    .configMaps()
                    .inNamespace("shop")
                    .withName("web-config")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThat(cluster.mutations()).isZero();
  }

  @Test
  @DisplayName(
      "given a delete whose uid or resourceVersion precondition does not match, should answer 409 and keep the object")
  void givenDeletePreconditionMismatch_shouldConflict() throws Exception {
    client.configMaps().inNamespace("shop").resource(configMap("pre")).create();
    cluster.resetMutations();

    var wrongUid = deleteWith("{\"preconditions\":{\"uid\":\"not-the-uid\"}}");
    var wrongVersion = deleteWith("{\"preconditions\":{\"resourceVersion\":\"1\"}}");

    assertThat(wrongUid.statusCode()).isEqualTo(409);
    assertThat(wrongUid.body()).contains("Precondition failed: UID in precondition: not-the-uid");
    assertThat(wrongVersion.statusCode()).isEqualTo(409);
    assertThat(wrongVersion.body())
        .contains("Precondition failed: ResourceVersion in precondition: 1");
    assertThat(client.configMaps().inNamespace("shop").withName("pre").get()).isNotNull();
    assertThat(cluster.mutations()).isZero();
  }

  @Test
  @DisplayName("given a delete whose preconditions match, should delete and count one mutation")
  void givenDeletePreconditionMatch_shouldDelete() throws Exception {
    var cm = client.configMaps().inNamespace("shop").resource(configMap("pre-ok")).create();
    cluster.resetMutations();

    var ok =
        deleteWith(
            "{\"preconditions\":{\"uid\":\""
                + cm.getMetadata().getUid()
                + "\",\"resourceVersion\":\""
                + cm.getMetadata().getResourceVersion()
                + "\"}}",
            "pre-ok");

    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(client.configMaps().inNamespace("shop").withName("pre-ok").get()).isNull();
    assertThat(cluster.mutationLog())
        .containsExactly("DELETE /api/v1/namespaces/shop/configmaps/pre-ok");
  }

  private static java.net.http.HttpResponse<String> deleteWith(String options) throws Exception {
    return deleteWith(options, "pre");
  }

  private static java.net.http.HttpResponse<String> deleteWith(String options, String name)
      throws Exception {
    var request =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(cluster.url() + "/api/v1/namespaces/shop/configmaps/" + name))
            .header("Content-Type", "application/json")
            .method("DELETE", java.net.http.HttpRequest.BodyPublishers.ofString(options))
            .build();
    return java.net.http.HttpClient.newHttpClient()
        .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName(
      "given a new object, should assign uid, creationTimestamp and generation 1, and bump generation only on spec changes")
  void givenWrites_shouldMaintainServerMetadata() {
    Deployment created = client.apps().deployments().inNamespace("shop").withName("web").get();
    long generation = created.getMetadata().getGeneration();

    Deployment labelled =
        client
            .apps()
            .deployments()
            .inNamespace("shop")
            .withName("web")
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}");
    Deployment scaled =
        client
            .apps()
            .deployments()
            .inNamespace("shop")
            .withName("web")
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"replicas\":2,\"minReadySeconds\":1}}");

    assertThat(created.getMetadata().getUid()).isNotBlank();
    assertThat(created.getMetadata().getCreationTimestamp()).isNotBlank();
    assertThat(labelled.getMetadata().getGeneration()).isEqualTo(generation);
    assertThat(scaled.getMetadata().getGeneration()).isEqualTo(generation + 1);
    assertThat(Long.parseLong(scaled.getMetadata().getResourceVersion()))
        .isGreaterThan(Long.parseLong(labelled.getMetadata().getResourceVersion()));
  }

  @Test
  @DisplayName(
      "given no deny rule, an access review should be allowed; given a matching deny rule, denied; neither is a mutation")
  void givenDenyRule_accessReviewShouldDeny() {
    var review =
        new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder()
            .withNewSpec()
            .withNewResourceAttributes()
            .withVerb("patch")
            .withGroup("apps")
            .withResource("deployments")
            .withNamespace("shop")
            .endResourceAttributes()
            .endSpec()
            .build();

    boolean before =
        client
            .authorization()
            .v1()
            .selfSubjectAccessReview()
            .create(review)
            .getStatus()
            .getAllowed();
    cluster.denyPermission("patch", "apps", "deployments", null);
    boolean after =
        client
            .authorization()
            .v1()
            .selfSubjectAccessReview()
            .create(review)
            .getStatus()
            .getAllowed();

    assertThat(before).isTrue();
    assertThat(after).isFalse();
    assertThat(cluster.mutations()).isZero();
  }

  @Test
  @DisplayName(
      "given a namespace that does not exist, a create should answer 404 like the API server")
  void givenMissingNamespace_createShouldBeNotFound() {
    assertThatThrownBy(
            () -> client.configMaps().inNamespace("nowhere").resource(configMap("x")).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    assertThat(cluster.mutations()).isZero();
  }

  private static java.net.http.HttpResponse<String> send(
      String method, String path, String contentType, String body) throws Exception {
    var request =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(cluster.url() + path))
            .header("Content-Type", contentType)
            .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(body))
            .build();
    return java.net.http.HttpClient.newHttpClient()
        .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName(
      "given a body naming another object or namespace than its URL (PUT, merge patch, server-side apply), should answer 400 BadRequest like the API server and persist nothing")
  void givenBodyNotMatchingUrl_shouldBeBadRequest() throws Exception {
    String url = "/api/v1/namespaces/shop/configmaps/web-config";
    String rv =
        client
            .configMaps()
            .inNamespace("shop")
            .withName("web-config")
            .get()
            .getMetadata()
            .getResourceVersion();
    String otherName =
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"api-credentials\",\"namespace\":\"shop\",\"resourceVersion\":\""
            + rv
            + "\"},\"data\":{\"k\":\"v\"}}";
    String otherNamespace =
        otherName.replace("api-credentials", "web-config").replace("\"shop\"", "\"payments\"");

    var putName = send("PUT", url, "application/json", otherName);
    var putNamespace = send("PUT", url, "application/json", otherNamespace);
    var mergeNamespace =
        send(
            "PATCH",
            url,
            "application/merge-patch+json",
            "{\"metadata\":{\"namespace\":\"payments\"}}");
    var applyNamespace =
        send(
            "PATCH",
            url + "?fieldManager=test",
            "application/apply-patch+yaml",
            otherNamespace.replace(",\"resourceVersion\":\"" + rv + "\"", ""));
    var applyNewNamespace =
        send(
            "PATCH",
            "/api/v1/namespaces/shop/configmaps/fresh?fieldManager=test",
            "application/apply-patch+yaml",
            otherNamespace
                .replace("web-config", "fresh")
                .replace(",\"resourceVersion\":\"" + rv + "\"", ""));

    assertThat(putName.statusCode()).isEqualTo(400);
    assertThat(putName.body())
        .contains(
            "the name of the object (api-credentials) does not match the name on the URL (web-config)",
            "BadRequest");
    for (var r :
        java.util.List.of(putNamespace, mergeNamespace, applyNamespace, applyNewNamespace)) {
      assertThat(r.statusCode()).as(r.request().method() + " " + r.body()).isEqualTo(400);
      assertThat(r.body())
          .contains(
              "the namespace of the provided object does not match the namespace sent on the request");
    }
    assertThat(client.configMaps().inNamespace("payments").withName("web-config").get()).isNull();
    assertThat(client.configMaps().inNamespace("shop").withName("fresh").get()).isNull();
    assertThat(cluster.mutations()).isZero();
  }

  @Test
  @DisplayName(
      "given a name escaped in the path, should decode each segment on its own (an escaped '/' never splits it)")
  void givenEscapedPathSegments_shouldDecodeEach() throws Exception {
    var escaped =
        send("GET", "/api/v1/namespaces/shop/configmaps/web%2Dconfig", "application/json", "");
    var slash =
        send(
            "GET",
            "/api/v1/namespaces/shop/configmaps/web-config%2Fstatus",
            "application/json",
            "");

    assertThat(escaped.statusCode()).isEqualTo(200);
    assertThat(escaped.body()).contains("\"name\":\"web-config\"");
    assertThat(slash.statusCode()).isEqualTo(404);
    assertThat(slash.body()).contains("web-config/status");
  }
}
