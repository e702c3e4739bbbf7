package io.interlock.gate;

import static io.interlock.gate.GateHarness.approve;
import static io.interlock.gate.GateHarness.awaitStep;
import static io.interlock.gate.GateHarness.scale;
import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.AuditKind;
import io.interlock.contract.values.PolicyStage;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.AuditEntry;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
import io.interlock.workflows.lock.EnvironmentLockClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Policy at the execution boundary: checked when proposed and again right before the write runs.
 */
class GateChangeControlTest {
  private static final Path POLICY =
      Path.of("src/test/resources/gate/gate-policy-change-control.yaml");
  private MovableClock clock;
  private GateHarness h;

  @BeforeEach
  void start() {
    clock = new MovableClock(Instant.parse("2029-12-31T23:50:00Z"));
    h = new GateHarness(POLICY, clock);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  @DisplayName(
      "given a write approved before a freeze, when the freeze has begun at execution, it is BLOCKED at re-check and nothing mutates")
  void freezeBeginsWhileApprovalPending() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s = task.propose(scale("web", 4));
    assertThat(s.state()).isEqualTo(StepState.AWAITING_APPROVAL);
    assertThat(s.policy().allowed()).isTrue();
    clock.advance(Duration.ofMinutes(15));
    approve(task, s, "alice");
    StepView blocked = awaitStep(task, s.stepId(), v -> v.state().isFinal());
    assertThat(blocked.state()).isEqualTo(StepState.BLOCKED);
    assertThat(blocked.recheck().ruleId()).isEqualTo("freeze.new-year");
    assertThat(blocked.recheck().stage()).isEqualTo(PolicyStage.RECHECK);
    assertThat(blocked.error())
        .contains("freeze.new-year")
        .contains(blocked.recheck().policyVersion());
    assertThat(h.replicas("web")).isEqualTo(2);
    h.assertMutations(0);
  }

  @Test
  @DisplayName(
      "given an environment lock set while an approval is pending, the write is BLOCKED at re-check naming who locked it")
  void lockSetWhileApprovalPending() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s = task.propose(scale("web", 3));
    new EnvironmentLockClient(h.client)
        .lock("staging", "carol", "incident INC-42 in progress", null);
    approve(task, s, "bob");
    StepView blocked = awaitStep(task, s.stepId(), v -> v.state().isFinal());
    assertThat(blocked.state()).isEqualTo(StepState.BLOCKED);
    assertThat(blocked.recheck().ruleId()).isEqualTo("environment.lock");
    assertThat(blocked.recheck().reason()).contains("carol").contains("INC-42");
    h.assertMutations(0);
  }

  @Test
  @DisplayName(
      "given a freeze without break-glass, the write is BLOCKED at proposal and never waits for approval")
  void frozenAtProposal() {
    clock.advance(Duration.ofMinutes(20));
    AgentTask task = h.start("agent:bot", "staging");
    StepView s = task.propose(scale("web", 3));
    assertThat(s.state()).isEqualTo(StepState.BLOCKED);
    assertThat(s.policy().ruleId()).isEqualTo("freeze.new-year");
    assertThat(s.callHash()).isNull();
    h.assertMutations(0);
  }

  @Test
  @DisplayName(
      "given a freeze with break-glass, it needs one extra approval and a reason from a named role, and is recorded as break-glass")
  void breakGlass() {
    clock.advance(Duration.ofMinutes(20));
    AgentTask task = h.start("agent:bot", "prod");
    StepView s = task.propose(scale("web", 3));
    assertThat(s.state()).isEqualTo(StepState.AWAITING_APPROVAL);
    assertThat(s.policy().allowed()).isFalse();
    assertThat(s.policy().overridableBy()).containsExactly("carol");
    assertThat(s.policy().requiredApprovals()).isEqualTo(2);
    task.approve(TestIdentities.approval(task, s, "alice", "fine", "I say so"));
    approve(task, s, "alice");
    approve(task, s, "carol"); // no reason given: counts, but does not break glass
    StepView waiting = awaitStep(task, s.stepId(), v -> v.approvals().size() == 2);
    assertThat(waiting.refusals())
        .extracting(r -> r.why())
        .anySatisfy(w -> assertThat(w).contains("break-glass"));
    GateHarness.stillHolds(
        () ->
            assertThat(GateHarness.step(task.status(), s.stepId()).state())
                .isEqualTo(StepState.AWAITING_APPROVAL));
    h.assertMutations(0);

    AgentTask fresh = h.start("agent:bot", "prod");
    StepView t = fresh.propose(scale("web", 3));
    approve(fresh, t, "alice");
    fresh.approve(TestIdentities.approval(fresh, t, "carol", "ok", "payments outage, INC-7"));
    StepView done = awaitStep(fresh, t.stepId(), v -> v.state().isFinal());
    assertThat(done.state()).as(done.error()).isEqualTo(StepState.VERIFIED);
    assertThat(done.recheck().ruleId()).isEqualTo("break-glass:freeze.new-year");
    assertThat(done.approvals()).anySatisfy(a -> assertThat(a.breakGlass()).contains("INC-7"));
    h.assertMutations(1);
  }

  @Test
  @DisplayName(
      "given CEL rules, one denies at proposal and another raises the approvals a call needs")
  void celRules() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView denied = task.propose(scale("web", 60));
    assertThat(denied.state()).isEqualTo(StepState.BLOCKED);
    assertThat(denied.policy().ruleId()).isEqualTo("cel.no-huge-scale");

    AgentTask second = h.start("agent:bot", "staging");
    StepView big = second.propose(scale("web", 8));
    assertThat(big.policy().requiredApprovals()).isEqualTo(2);
    approve(second, big, "alice");
    awaitStep(second, big.stepId(), v -> v.approvals().size() == 1);
    GateHarness.stillHolds(
        () ->
            assertThat(GateHarness.step(second.status(), big.stepId()).state())
                .isEqualTo(StepState.AWAITING_APPROVAL));
    approve(second, big, "bob");
    assertThat(awaitStep(second, big.stepId(), v -> v.state().isFinal()).state())
        .isEqualTo(StepState.VERIFIED);
    assertThat(h.replicas("web")).isEqualTo(8);
    h.assertMutations(1);
  }

  @Test
  @DisplayName(
      "given the engine may not patch deployments (SelfSubjectAccessReview), the write is BLOCKED before anything changes")
  void missingPermission() {
    h.cluster.denyPermission("patch", "apps", "deployments", "shop");
    h.cluster.denyPermission("update", "apps", "deployments", "shop");
    AgentTask task = h.start("agent:bot", "staging");
    StepView s = task.propose(scale("web", 3));
    assertThat(s.state()).isEqualTo(StepState.BLOCKED);
    assertThat(s.policy().ruleId()).isEqualTo("rbac.ssar");
    assertThat(s.policy().stage()).isEqualTo(PolicyStage.ACCESS);
    assertThat(s.policy().reason()).contains("may not update", "deployments");
    // Denied before the preview: no dry run was sent, and the audit says why in that order.
    assertThat(s.preview()).isNull();
    assertThat(kinds(task, s.stepId()))
        .containsExactly(
            AuditKind.PROPOSED,
            AuditKind.RESOLVED,
            AuditKind.ACCESS,
            AuditKind.BLOCKED,
            AuditKind.HALTED);
    h.assertMutations(0);
  }

  @Test
  @DisplayName(
      "given a write the engine may not send queued behind one awaiting approval, it is BLOCKED at ACCESS on its turn, not previewed")
  void missingPermissionOnItsTurn() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView first = task.propose(scale("web", 3));
    assertThat(first.state()).isEqualTo(StepState.AWAITING_APPROVAL);
    StepView second =
        task.propose(
            new ToolCall(
                "k8s.scale",
                Map.of("namespace", "shop", "kind", "StatefulSet", "name", "db", "replicas", 2)));
    assertThat(second.state()).isEqualTo(StepState.PROPOSED);
    h.cluster.denyPermission("update", "apps", "statefulsets", "shop");

    approve(task, first, "alice");
    StepView done = awaitStep(task, second.stepId(), v -> v.state().isFinal());

    assertThat(done.state()).as("%s", done).isEqualTo(StepState.BLOCKED);
    assertThat(done.policy().stage()).isEqualTo(PolicyStage.ACCESS);
    assertThat(done.policy().reason()).contains("may not update", "statefulsets");
    assertThat(done.preview()).isNull();
    assertThat(task.status().steps().get(0).state()).isEqualTo(StepState.VERIFIED);
    h.assertMutations(1);
  }

  @Test
  @DisplayName(
      "a proposal asks the cluster once per permission (ACCESS and PROPOSE share the answer); the re-check asks afresh, so a permission withdrawn after approval blocks the write")
  void accessReviewedOncePerLookAndAfreshAtRecheck() {
    AgentTask task = h.start("agent:bot", "staging");
    long before = h.cluster.accessReviews();
    StepView s = task.propose(scale("web", 4));
    assertThat(s.state()).isEqualTo(StepState.AWAITING_APPROVAL);
    assertThat(kinds(task, s.stepId())).contains(AuditKind.PREVIEWED, AuditKind.POLICY);
    assertThat(h.cluster.accessReviews() - before).as("reviews for one proposal").isEqualTo(1);

    h.cluster.denyPermission("update", "apps", "deployments", "shop");
    approve(task, s, "alice");
    StepView blocked = awaitStep(task, s.stepId(), v -> v.state().isFinal());
    assertThat(blocked.state()).isEqualTo(StepState.BLOCKED);
    assertThat(blocked.recheck().stage()).isEqualTo(PolicyStage.RECHECK);
    assertThat(blocked.recheck().ruleId()).isEqualTo("rbac.ssar");
    assertThat(h.cluster.accessReviews() - before).as("the re-check asked again").isEqualTo(2);
    assertThat(h.replicas("web")).isEqualTo(2);
    h.assertMutations(0);
  }

  private static List<AuditKind> kinds(AgentTask task, String stepId) {
    return task.audit().stream()
        .filter(e -> stepId.equals(e.stepId()))
        .map(AuditEntry::kind)
        .toList();
  }
}
