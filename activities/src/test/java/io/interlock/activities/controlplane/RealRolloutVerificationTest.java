package io.interlock.activities.controlplane;

import static io.interlock.activities.k8s.Fixtures.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.activities.k8s.Fixtures;
import io.interlock.activities.k8s.KubernetesCatalog;
import io.interlock.activities.kubectl.Kubectl;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import io.interlock.activities.tools.WriteTool;
import io.interlock.activities.verify.VerificationLoop;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.Confidence;
import io.interlock.contract.values.Verdict;
import io.interlock.contract.values.Verification;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The verifier against real controllers: kube-controller-manager makes the ReplicaSets and rolls
 * them, kube-scheduler binds the Pods, kwok plays their lifecycle by image tag (pod-stages.yaml).
 * Its verdict must agree with the real {@code kubectl rollout status} on the same Deployment.
 */
@DisplayName("verification on a real control plane agrees with kubectl rollout status")
class RealRolloutVerificationTest {
  private final ControlPlane plane = ControlPlane.get();
  private final KubernetesClient tools =
      plane.as("interlock-verify-suite", List.of("system:masters"));
  private final ToolContext ctx =
      new ToolContext("test", tools, Clock.systemUTC(), Duration.ofMillis(200));
  private final Kubectl kubectl = new Kubectl(plane.adminKubeconfig());
  private String ns;

  @BeforeEach
  void seed() {
    ns = plane.newNamespace("verify");
    Deployment d = Fixtures.deployment(ns, "web", 2, "nginx:1.25");
    // A short progress deadline, so a rollout that cannot finish is declared failed by the
    // controller itself.
    d.getSpec().setProgressDeadlineSeconds(8);
    plane.admin().resource(d).create();
    assertThat(kubectl.rolloutStatus(ns, "deploy/web", Duration.ofSeconds(90)).succeeded())
        .isTrue();
  }

  @AfterEach
  void drop() {
    plane.admin().namespaces().withName(ns).delete();
    tools.close();
  }

  private WriteTool write(String name) {
    return (WriteTool) KubernetesCatalog.registry().find(name).orElseThrow();
  }

  private Execution run(ToolCall call) {
    ToolArgs args = new ToolArgs(call.args());
    return write(call.tool()).execute(ctx, args, write(call.tool()).preview(ctx, args).target());
  }

  private Verification verify(ToolCall call, Execution e) {
    // The budget bounds the loop; the real controller decides (progress deadline 8 s).
    return new VerificationLoop(Clock.systemUTC(), Duration.ofMillis(200), poll -> {})
        .run(
            Duration.ofSeconds(120),
            () -> write(call.tool()).observe(ctx, new ToolArgs(call.args()), e));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "nginx:1.26, VERIFIED",
    "nginx:crashloop, VERIFICATION_FAILED",
    "nginx:neverready, VERIFICATION_FAILED",
    "nginx:badimage, VERIFICATION_FAILED"
  })
  @DisplayName(
      "set-image to a healthy, crash-looping, never-ready or unpullable image: the verdict, kubectl's exit code, and a gated rollback that restores it")
  void verdictAgreesWithKubectl(String image, Verdict expected) {
    ToolCall call =
        new ToolCall("k8s.set-image", map("namespace", ns, "name", "web", "image", image));
    Execution e = run(call);

    Verification v = verify(call, e);
    Kubectl.Result k = kubectl.rolloutStatus(ns, "deploy/web", Duration.ofSeconds(90));

    assertThat(v.verdict()).as("evidence %s", v.evidence()).isEqualTo(expected);
    assertThat(k.succeeded()).as("kubectl: %s", k.output()).isEqualTo(expected == Verdict.VERIFIED);
    if (expected == Verdict.VERIFIED) {
      assertThat(v.confidence()).isEqualTo(Confidence.HIGH);
      assertThat(v.evidence())
          .anySatisfy(l -> assertThat(l).contains("successfully rolled out (2/2 available)"));
      return;
    }
    assertThat(k.output()).contains("exceeded its progress deadline");
    RollbackPlan plan = write("k8s.set-image").rollback(new ToolArgs(call.args()), e);
    assertThat(plan.call().args()).containsEntry("image", "nginx:1.25");
    Execution back = run(plan.call());
    assertThat(verify(plan.call(), back).verdict()).isEqualTo(Verdict.VERIFIED);
    assertThat(kubectl.rolloutStatus(ns, "deploy/web", Duration.ofSeconds(90)).succeeded())
        .isTrue();
  }
}
