package io.interlock.workflows.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.ApprovalRecord;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.contract.values.PolicyStage;
import io.interlock.contract.values.StepState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ApprovalRulesTest {
  private static final long NOW = 1_000_000L;

  private static Step awaiting(int required, List<String> overridableBy, boolean allowed) {
    Step s = new Step(1, new ToolCall("k8s.scale", Map.of("name", "web")), null, "t");
    s.moveTo(StepState.PREVIEWED);
    s.moveTo(StepState.POLICY_CHECKED);
    s.moveTo(StepState.AWAITING_APPROVAL);
    s.callHash = "sha256:abc";
    s.deadlineMillis = NOW + 60_000;
    s.deadline = "deadline";
    s.policy =
        new PolicyDecision(
            allowed,
            "rule",
            "why",
            required,
            List.of("alice", "bob", "carol", "agent:bot"),
            "v1",
            PolicyStage.PROPOSE,
            Map.of(),
            0,
            0,
            overridableBy);
    return s;
  }

  @Test
  @DisplayName("given a matching hash from an allowed approver, the approval is accepted")
  void acceptsAllowedApprover() {
    assertThat(
            ApprovalRules.refuseApproval(
                awaiting(1, List.of(), true), "sha256:abc", "alice", null, "agent:bot", NOW))
        .isNull();
  }

  @Test
  @DisplayName("given a different hash, the approval is refused naming both hashes")
  void refusesWrongHash() {
    assertThat(
            ApprovalRules.refuseApproval(
                awaiting(1, List.of(), true), "sha256:zzz", "alice", null, "agent:bot", NOW))
        .contains("callHash mismatch")
        .contains("sha256:zzz")
        .contains("sha256:abc");
  }

  @Test
  @DisplayName("the requester can never approve, even when the policy lists them")
  void refusesSelfApproval() {
    assertThat(
            ApprovalRules.refuseApproval(
                awaiting(1, List.of(), true), "sha256:abc", "agent:bot", null, "agent:bot", NOW))
        .startsWith("self-approval");
  }

  @Test
  @DisplayName("an approval after the deadline is refused as late even before the timer fired")
  void refusesLate() {
    assertThat(
            ApprovalRules.refuseApproval(
                awaiting(1, List.of(), true), "sha256:abc", "alice", null, "x", NOW + 60_001))
        .startsWith("late");
  }

  @Test
  @DisplayName("a user outside the policy's approvers is refused")
  void refusesUnlisted() {
    assertThat(
            ApprovalRules.refuseApproval(
                awaiting(1, List.of(), true), "sha256:abc", "dave", null, "x", NOW))
        .contains("not allowed by policy");
  }

  @Test
  @DisplayName(
      "N required approvals need N distinct approvers; break glass needs a named overrider's reason")
  void countsAndBreakGlass() {
    Step s = awaiting(2, List.of(), true);
    s.approvals.add(new ApprovalRecord("alice", "t", null));
    assertThat(ApprovalRules.satisfied(s)).isFalse();
    s.approvals.add(new ApprovalRecord("bob", "t", null));
    assertThat(ApprovalRules.satisfied(s)).isTrue();

    Step frozen = awaiting(2, List.of("carol"), false);
    assertThat(ApprovalRules.refuseApproval(frozen, "sha256:abc", "alice", "urgent", "x", NOW))
        .contains("break-glass");
    frozen.approvals.add(new ApprovalRecord("alice", "t", null));
    frozen.approvals.add(new ApprovalRecord("bob", "t", null));
    assertThat(ApprovalRules.satisfied(frozen)).isFalse();
    frozen.approvals.add(new ApprovalRecord("carol", "t", null, "payment outage", null, null));
    assertThat(ApprovalRules.satisfied(frozen)).isTrue();
  }

  @Test
  @DisplayName("a rejection needs a reason and comes from the requester or an allowed approver")
  void rejection() {
    Step s = awaiting(1, List.of(), true);
    assertThat(ApprovalRules.refuseRejection(s, "sha256:abc", "alice", " ", "x", NOW))
        .contains("reason");
    assertThat(ApprovalRules.refuseRejection(s, "sha256:abc", "x", "withdrawn", "x", NOW)).isNull();
    assertThat(ApprovalRules.refuseRejection(s, "sha256:abc", "dave", "no", "x", NOW))
        .contains("may not reject");
  }

  @Test
  @DisplayName("the call hash is stable for the same step and changes with any bound field")
  void hashBindsTheCall() {
    Step a = awaiting(1, List.of(), true);
    Step b = awaiting(1, List.of(), true);
    assertThat(CallHash.of(a, "task-1", "staging"))
        .isEqualTo(CallHash.of(b, "task-1", "staging"))
        .startsWith("sha256:");
    assertThat(CallHash.of(a, "task-1", "prod")).isNotEqualTo(CallHash.of(a, "task-1", "staging"));
    Step c =
        new Step(1, new ToolCall("k8s.scale", Map.of("name", "web", "replicas", 6)), null, "t");
    c.policy = a.policy;
    c.deadline = a.deadline;
    assertThat(CallHash.of(c, "task-1", "staging"))
        .isNotEqualTo(CallHash.of(a, "task-1", "staging"));
  }
}
