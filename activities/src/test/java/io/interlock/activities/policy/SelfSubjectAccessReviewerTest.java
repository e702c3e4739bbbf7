package io.interlock.activities.policy;

import static io.interlock.activities.policy.PolicyChecks.QUIET;
import static io.interlock.activities.policy.PolicyChecks.UNLOCKED;
import static io.interlock.activities.policy.PolicyChecks.scale;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.interlock.contract.values.PolicyDecision;
import java.time.Clock;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "SelfSubjectAccessReview: a missing permission is BLOCKED (rbac.ssar) before anything changes")
class SelfSubjectAccessReviewerTest {
  private static final String SSAR_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

  private KubernetesMockServer server;
  private KubernetesClient client;

  @BeforeEach
  void startServer() {
    server = new KubernetesMockServer(false);
    server.init();
    client = server.createClient();
  }

  @AfterEach
  void stopServer() {
    client.close();
    server.destroy();
  }

  private void answer(boolean allowed, String reason) {
    SelfSubjectAccessReview review =
        new SelfSubjectAccessReviewBuilder()
            .withNewStatus()
            .withAllowed(allowed)
            .withReason(reason)
            .endStatus()
            .build();
    server.expect().post().withPath(SSAR_PATH).andReturn(201, review).always();
  }

  private PolicyActivitiesImpl policy() {
    return new PolicyActivitiesImpl(
        PolicyChecks.defaultPolicy(),
        "staging",
        Clock.fixed(QUIET, ZoneOffset.UTC),
        UNLOCKED,
        new SelfSubjectAccessReviewer(client));
  }

  @Test
  @DisplayName(
      "given the cluster denies update on deployments, should deny rbac.ssar with the verb, resource and namespace")
  void givenClusterDenies_shouldBlockWithRbacSsar() throws Exception {
    answer(false, "no RBAC policy matched");

    PolicyDecision d = policy().check(scale("staging", 5));

    assertThat(d.allowed()).isFalse();
    assertThat(d.ruleId()).isEqualTo("rbac.ssar");
    assertThat(d.reason())
        .contains("may not update apps/deployments shop/web", "no RBAC policy matched");
    assertThat(d.observed())
        .containsEntry("verb", "update")
        .containsEntry("resource", "deployments")
        .containsEntry("namespace", "shop");
    assertThat(d.overridableBy()).isEmpty();
    // The review sent what the write needs.
    String body = server.getLastRequest().getBody().readUtf8();
    assertThat(body)
        .contains("\"verb\":\"update\"", "\"resource\":\"deployments\"", "\"namespace\":\"shop\"")
        .doesNotContain("subresource\":\"scale");
  }

  @Test
  @DisplayName("given the cluster allows it, should let the write through")
  void givenClusterAllows_shouldAllow() {
    answer(true, null);
    assertThat(policy().check(scale("staging", 5)).allowed()).isTrue();
  }

  @Test
  @DisplayName(
      "given the engine may not even create access reviews (403), should deny rbac.ssar (fail closed)")
  void givenReviewRefused_shouldDeny() {
    server.expect().post().withPath(SSAR_PATH).andReturn(403, "forbidden").always();
    PolicyDecision d = policy().check(scale("staging", 5));
    assertThat(d.allowed()).isFalse();
    assertThat(d.ruleId()).isEqualTo("rbac.ssar");
  }
}
