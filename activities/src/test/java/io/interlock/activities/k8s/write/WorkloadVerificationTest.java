package io.interlock.activities.k8s.write;

import static io.interlock.activities.k8s.Fixtures.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.activities.k8s.DemoClusterTest;
import io.interlock.activities.tools.Observation;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.Confidence;
import io.interlock.contract.values.Verdict;
import io.interlock.contract.values.Verification;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("workload writes verified on the simulated cluster")
class WorkloadVerificationTest extends DemoClusterTest {

  @Test
  @DisplayName(
      "given a scale to 4 that rolls out, verification should be VERIFIED with HIGH confidence")
  void scaleVerifiedHigh() {
    ToolCall call =
        new ToolCall("k8s.scale", map("namespace", "shop", "name", "web", "replicas", 4));
    Execution e = approveAndRun(call);
    assertThat(observe(call, e).status()).isNotEqualTo(Observation.Status.REACHED);

    settle();
    Verification v = verify(call, e);

    assertThat(v.verdict()).isEqualTo(Verdict.VERIFIED);
    assertThat(v.confidence()).isEqualTo(Confidence.HIGH);
    assertThat(v.evidence())
        .anySatisfy(l -> assertThat(l).contains("successfully rolled out (4/4 available)"));
  }

  @Test
  @DisplayName(
      "given an image that crash-loops, verification should fail with the pod evidence and the rollback should restore the image")
  void crashLoopFailsAndRollsBack() {
    ToolCall call =
        new ToolCall(
            "k8s.set-image", map("namespace", "shop", "name", "web", "image", "nginx:crashloop"));
    Execution e = approveAndRun(call);
    settle();

    Verification v = verify(call, e);

    assertThat(v.verdict()).isEqualTo(Verdict.VERIFICATION_FAILED);
    assertThat(v.evidence())
        .anySatisfy(l -> assertThat(l).contains("CrashLoopBackOff", "nginx:crashloop"));
    RollbackPlan plan = write("k8s.set-image").rollback(valid(call), e);
    assertThat(plan.call().args()).containsEntry("image", "nginx:1.25");
    Execution back = approveAndRun(plan.call());
    settle();
    assertThat(image("shop", "web")).isEqualTo("nginx:1.25");
    assertThat(verify(plan.call(), back).verdict()).isEqualTo(Verdict.VERIFIED);
  }

  @Test
  @DisplayName(
      "given an image that cannot be pulled, verification should fail naming ImagePullBackOff")
  void badImageFails() {
    ToolCall call =
        new ToolCall(
            "k8s.set-image",
            map("namespace", "shop", "name", "api", "image", "ghcr.io/example/api:badimage"));
    Execution e = approveAndRun(call);
    settle();

    assertThat(verify(call, e).evidence())
        .anySatisfy(l -> assertThat(l).contains("ImagePullBackOff"));
  }

  @Test
  @DisplayName(
      "given an image whose pods restart but become ready, verification should be VERIFIED with MEDIUM confidence")
  void flakyIsMedium() {
    ToolCall call =
        new ToolCall(
            "k8s.set-image", map("namespace", "shop", "name", "web", "image", "nginx:flaky"));
    Execution e = approveAndRun(call);
    settle();

    Verification v = verify(call, e);

    assertThat(v.verdict()).isEqualTo(Verdict.VERIFIED);
    assertThat(v.confidence()).isEqualTo(Confidence.MEDIUM);
    assertThat(v.evidence())
        .anySatisfy(l -> assertThat(l).startsWith("warning: ").contains("restarted"));
  }

  @Test
  @DisplayName(
      "given a StatefulSet and a DaemonSet, set-image should roll them out by their own rules")
  void statefulSetAndDaemonSet() {
    ToolCall sts =
        new ToolCall(
            "k8s.set-image",
            map(
                "kind",
                "StatefulSet",
                "namespace",
                "shop",
                "name",
                "db",
                "image",
                "postgres:16.1"));
    ToolCall ds =
        new ToolCall(
            "k8s.set-image",
            map(
                "kind",
                "DaemonSet",
                "namespace",
                "kube-system",
                "name",
                "log-agent",
                "image",
                "fluent/fluent-bit:3.1"));
    Execution e1 = approveAndRun(sts);
    Execution e2 = approveAndRun(ds);
    settle();

    assertThat(verify(sts, e1).evidence())
        .anySatisfy(l -> assertThat(l).contains("statefulset \"db\" rolling update complete"));
    assertThat(verify(ds, e2).evidence())
        .anySatisfy(
            l -> assertThat(l).contains("daemon set \"log-agent\" successfully rolled out"));
  }

  @Test
  @DisplayName(
      "given a Deployment, the default verification budget should be its progressDeadlineSeconds")
  void budgetFromProgressDeadline() {
    ToolCall call =
        new ToolCall("k8s.scale", map("namespace", "shop", "name", "web", "replicas", 3));
    assertThat(write("k8s.scale").defaultBudgetSeconds(ctx, valid(call))).isEqualTo(600);
    assertThat(
            write("k8s.cordon")
                .defaultBudgetSeconds(
                    ctx, valid(new ToolCall("k8s.cordon", map("name", "node-1")))))
        .isEqualTo(60);
  }
}
