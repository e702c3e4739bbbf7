package io.interlock.activities.policy;

import static io.interlock.activities.policy.PolicyChecks.ALLOW_ALL;
import static io.interlock.activities.policy.PolicyChecks.QUIET;
import static io.interlock.activities.policy.PolicyChecks.REQUESTER;
import static io.interlock.activities.policy.PolicyChecks.UNLOCKED;
import static io.interlock.activities.policy.PolicyChecks.access;
import static io.interlock.activities.policy.PolicyChecks.approval;
import static io.interlock.activities.policy.PolicyChecks.policy;
import static io.interlock.activities.policy.PolicyChecks.preview;
import static io.interlock.activities.policy.PolicyChecks.propose;
import static io.interlock.activities.policy.PolicyChecks.read;
import static io.interlock.activities.policy.PolicyChecks.recheck;
import static io.interlock.activities.policy.PolicyChecks.scale;
import static io.interlock.activities.policy.PolicyChecks.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.contract.activities.PolicyCheck;
import io.interlock.contract.values.ApprovalRecord;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.contract.values.PolicyStage;
import io.interlock.contract.values.ProofVerdict;
import io.interlock.workflows.lock.LockState;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName(
    "PolicyActivitiesImpl: each rule type blocks with its own rule id, reason and observed values")
class PolicyActivitiesImplTest {

  @Nested
  @DisplayName("allowed calls")
  class Allowed {
    @Test
    @DisplayName(
        "given a scale in staging, should allow it with 1 approval from sre and record the policy version")
    void givenStagingScale_shouldAllowWithOneApproval() {
      PolicyDecision d = policy("staging", QUIET).check(scale("staging", 5));

      assertThat(d.allowed()).isTrue();
      assertThat(d.ruleId()).isEqualTo("allow");
      assertThat(d.requiredApprovals()).isEqualTo(1);
      assertThat(d.approvers()).containsExactly("alice", "bob");
      assertThat(d.policyVersion()).isEqualTo(PolicyFile.loadDefault().version());
      assertThat(d.stage()).isEqualTo(PolicyStage.PROPOSE);
      assertThat(d.maxApprovalSeconds()).isEqualTo(86400);
      assertThat(d.overridableBy()).isEmpty();
    }

    @Test
    @DisplayName(
        "given a scale in prod, should need 2 approvals from sre and sre-leads and carry prod's verify budget")
    void givenProdScale_shouldNeedTwo() {
      PolicyDecision d = policy("prod", QUIET).check(scale("prod", 5));

      assertThat(d.allowed()).isTrue();
      assertThat(d.requiredApprovals()).isEqualTo(2);
      assertThat(d.approvers()).containsExactly("alice", "bob", "carol");
      assertThat(d.verifyBudgetSeconds()).isEqualTo(300);
      assertThat(d.maxApprovalSeconds()).isEqualTo(14400);
    }

    @Test
    @DisplayName("given a per-tool count in prod, should need that many (rollout-restart: 1)")
    void givenPerToolCount_shouldUseIt() {
      PolicyCheck c =
          propose(
              "prod",
              "k8s.rollout-restart",
              Map.of("namespace", "shop", "name", "web"),
              write("k8s.rollout-restart", false),
              preview("Deployment", "shop", "web"));
      assertThat(policy("prod", QUIET).check(c).requiredApprovals()).isEqualTo(1);
    }

    @Test
    @DisplayName("given a read, should allow it without approvals")
    void givenRead_shouldNeedNoApproval() {
      PolicyCheck c =
          propose(
              "prod",
              "k8s.get",
              Map.of("namespace", "shop", "name", "web", "kind", "Deployment"),
              read("k8s.get"),
              null);
      PolicyDecision d = policy("prod", QUIET).check(c);
      assertThat(d.allowed()).isTrue();
      assertThat(d.requiredApprovals()).isZero();
    }

    @Test
    @DisplayName(
        "given cordon of a Node in prod (Node listed as cluster-scoped kind), should allow it")
    void givenCordonInProd_shouldAllowNode() {
      PolicyCheck c =
          propose(
              "prod",
              "k8s.cordon",
              Map.of("name", "node-1"),
              write("k8s.cordon", true),
              preview("Node", null, "node-1"));
      assertThat(policy("prod", QUIET).check(c).allowed()).isTrue();
    }
  }

  @Nested
  @DisplayName("environment and tools")
  class EnvironmentAndTools {
    @Test
    @DisplayName(
        "given a check for another environment than the worker serves, should deny environment.unknown")
    void givenOtherEnvironment_shouldDeny() {
      PolicyDecision d = policy("staging", QUIET).check(scale("prod", 5));
      assertThat(d.allowed()).isFalse();
      assertThat(d.ruleId()).isEqualTo("environment.unknown");
      assertThat(d.reason()).contains("serves environment 'staging'", "'prod'");
      assertThat(d.overridableBy()).isEmpty();
    }

    @Test
    @DisplayName(
        "given an environment missing from the policy file, should deny environment.unknown")
    void givenUnconfiguredEnvironment_shouldDeny() {
      PolicyDecision d = policy("qa", QUIET).check(scale("qa", 5));
      assertThat(d.ruleId()).isEqualTo("environment.unknown");
      assertThat(d.observed()).containsEntry("configured", List.of("dev", "prod", "staging"));
    }

    @Test
    @DisplayName("given a tool not in prod's allowedTools, should deny tools.allowed")
    void givenToolNotAllowed_shouldDeny() {
      PolicyCheck c =
          propose(
              "prod",
              "helm.upgrade",
              Map.of("namespace", "shop", "release", "web"),
              write("helm.upgrade", false),
              null);
      PolicyDecision d = policy("prod", QUIET).check(c);
      assertThat(d.allowed()).isFalse();
      assertThat(d.ruleId()).isEqualTo("tools.allowed");
      assertThat(d.observed()).containsEntry("tool", "helm.upgrade");
      assertThat(d.reason()).contains("helm.upgrade", "not allowed in environment prod");
    }

    @Test
    @DisplayName(
        "given a tool without registry spec, should count it as a WRITE (not matched by @read)")
    void givenUnknownSpec_shouldCountAsWrite() {
      PolicyCheck c =
          propose("prod", "k8s.exec", Map.of("namespace", "shop", "name", "web"), null, null);
      PolicyDecision d = policy("prod", QUIET).check(c);
      assertThat(d.ruleId()).isEqualTo("tools.allowed");
      assertThat(d.observed()).containsEntry("effect", "WRITE");
    }
  }

  @Nested
  @DisplayName("proofs")
  class Proofs {
    @Test
    @DisplayName(
        "given approvals whose proofs verify, should allow at RECHECK and hand the approvers' keys out at PROPOSE")
    void givenProvenApprovals_shouldAllow() {
      PolicyCheck proposed = scale("staging", 3);
      PolicyDecision p = policy("staging", QUIET).check(proposed);
      assertThat(p.proofs().mode()).isEqualTo("required");
      assertThat(p.proofs().issuers()).containsKey(PolicyChecks.ISSUER);
      PolicyDecision d =
          policy("staging", QUIET).check(recheck(proposed, List.of(approval("alice")), null));
      assertThat(d.allowed()).as(d.reason()).isTrue();
    }

    @Test
    @DisplayName(
        "given approvals from a batch statement, should count one whose verified key or issuer is still listed, and not one whose key is gone or that was never verified")
    void givenBatchApprovals_shouldRecheckTheirKeys() {
      PolicyCheck proposed = scale("staging", 3);
      String digest = "sha256:" + "b".repeat(64);
      ApprovalRecord byIssuer =
          new ApprovalRecord(
              "alice",
              "2026-03-11T14:00:00Z",
              null,
              null,
              new ProofVerdict("jws", true, null, null, PolicyChecks.ISSUER, digest, null),
              null,
              digest);
      PolicyDecision counted =
          policy("staging", QUIET).check(recheck(proposed, List.of(byIssuer), null));
      assertThat(counted.allowed()).as(counted.reason()).isTrue();
      ApprovalRecord goneKey =
          new ApprovalRecord(
              "alice",
              "2026-03-11T14:00:00Z",
              null,
              null,
              new ProofVerdict("ssh", true, "ssh-ed25519", "SHA256:gone", null, digest, null),
              null,
              digest);
      ApprovalRecord unverified =
          new ApprovalRecord(
              "alice",
              "2026-03-11T14:00:00Z",
              null,
              null,
              ProofVerdict.refused("ssh", digest, "bad signature"),
              null,
              digest);
      PolicyDecision gone =
          policy("staging", QUIET).check(recheck(proposed, List.of(goneKey), null));
      assertThat(gone.allowed()).isFalse();
      assertThat(gone.reason()).contains("SHA256:gone", "no longer listed");
      PolicyDecision never =
          policy("staging", QUIET).check(recheck(proposed, List.of(unverified), null));
      assertThat(never.allowed()).isFalse();
      assertThat(never.reason()).contains("batch approval was not verified");
    }

    @Test
    @DisplayName(
        "given an approval without proof, or with a proof for another call or another approver, should not count it at RECHECK")
    void givenUnprovenApprovals_shouldDeny() {
      PolicyCheck proposed = scale("staging", 3);
      ApprovalRecord bare = new ApprovalRecord("alice", "2026-03-11T14:00:00Z", "ok");
      ApprovalRecord bobsProof = approval("bob");
      ApprovalRecord relabelled =
          new ApprovalRecord(
              "alice", bobsProof.at(), bobsProof.comment(), null, null, bobsProof.evidence());
      for (ApprovalRecord a : List.of(bare, relabelled)) {
        PolicyDecision d = policy("staging", QUIET).check(recheck(proposed, List.of(a), null));
        assertThat(d.allowed()).isFalse();
        assertThat(d.ruleId()).isEqualTo("approvals");
        assertThat(d.reason()).contains("not counted").contains("alice (proof:");
      }
      PolicyCheck otherCall =
          new PolicyCheck(
              PolicyStage.RECHECK,
              "task-1",
              "s1",
              REQUESTER,
              "staging",
              proposed.call(),
              proposed.spec(),
              proposed.preview(),
              List.of(approval("alice")),
              null,
              PolicyChecks.TASK_RUN,
              "sha256:other");
      assertThat(policy("staging", QUIET).check(otherCall).allowed()).isFalse();
    }

    @Test
    @DisplayName(
        "given a requester proof for this task, should prove the requester; for another task or none, should not (prod requires it)")
    void identify() {
      Instant t = QUIET.minusSeconds(10);
      io.interlock.workflows.proof.Statement st =
          io.interlock.workflows.proof.Statement.request(
              "task-9", REQUESTER, "prod", t.toString(), t.plusSeconds(600).toString());
      io.interlock.contract.values.ApprovalProof proof =
          io.interlock.contract.values.ApprovalProof.jws(
              io.interlock.workflows.proof.ProofSigner.issueJws(
                  PolicyChecks.ISSUER, PolicyChecks.ISSUER_KEY, st),
              st.issuedAt(),
              st.expiresAt());
      var ok =
          policy("prod", QUIET)
              .identify(
                  new io.interlock.contract.activities.RequesterCheck(
                      "task-9", REQUESTER, "prod", proof));
      assertThat(ok.accepted()).isTrue();
      assertThat(ok.verdict().label()).isEqualTo("verified (issuer test-idp)");
      var other =
          policy("prod", QUIET)
              .identify(
                  new io.interlock.contract.activities.RequesterCheck(
                      "task-10", REQUESTER, "prod", proof));
      assertThat(other.accepted()).isFalse();
      var none =
          policy("prod", QUIET)
              .identify(
                  new io.interlock.contract.activities.RequesterCheck(
                      "task-9", REQUESTER, "prod", null));
      assertThat(none.accepted()).isFalse();
      assertThat(none.mode()).isEqualTo("required");
      var claimed =
          policy("staging", QUIET)
              .identify(
                  new io.interlock.contract.activities.RequesterCheck(
                      "task-9", REQUESTER, "staging", null));
      assertThat(claimed.accepted()).isTrue();
      assertThat(claimed.verdict().label()).isEqualTo("unverified claim");
    }
  }

  @Nested
  @DisplayName("namespace escapes")
  class NamespaceEscapes {
    @Test
    @DisplayName(
        "given another namespace (kube-system), should deny namespace.scope with the allowed list")
    void givenOtherNamespace_shouldDeny() {
      PolicyCheck c =
          propose(
              "staging",
              "k8s.scale",
              Map.of("namespace", "kube-system", "name", "coredns", "replicas", 3),
              write("k8s.scale", false),
              preview("Deployment", "kube-system", "coredns"));
      PolicyDecision d = policy("staging", QUIET).check(c);
      assertThat(d.allowed()).isFalse();
      assertThat(d.ruleId()).isEqualTo("namespace.scope");
      assertThat(d.observed())
          .containsEntry("namespace", "kube-system")
          .containsEntry("allowed", List.of("shop", "payments"));
    }

    @Test
    @DisplayName(
        "given a cluster-scoped kind staging does not list (Node), should deny namespace.scope")
    void givenClusterScopedKind_shouldDeny() {
      PolicyCheck c =
          propose(
              "staging",
              "k8s.cordon",
              Map.of("name", "node-1"),
              write("k8s.cordon", true),
              preview("Node", null, "node-1"));
      PolicyDecision d = policy("staging", QUIET).check(c);
      assertThat(d.ruleId()).isEqualTo("namespace.scope");
      assertThat(d.reason()).contains("Node is cluster-scoped");
    }

    @Test
    @DisplayName("given a namespaced kind with no namespace anywhere, should deny namespace.scope")
    void givenEmptyNamespace_shouldDeny() {
      PolicyCheck c =
          propose(
              "staging",
              "k8s.delete",
              Map.of("kind", "ConfigMap", "name", "cfg", "namespace", ""),
              write("k8s.delete", true),
              null);
      PolicyDecision d = policy("staging", QUIET).check(c);
      assertThat(d.ruleId()).isEqualTo("namespace.scope");
      assertThat(d.reason()).contains("names no namespace");
    }

    @Test
    @DisplayName(
        "given an apply whose manifest names another namespace than the args, should deny namespace.scope")
    void givenManifestSmugglingNamespace_shouldDeny() {
      Map<String, Object> manifest =
          Map.of(
              "apiVersion",
              "v1",
              "kind",
              "ConfigMap",
              "metadata",
              Map.of("name", "cfg", "namespace", "kube-system"));
      PolicyCheck c =
          propose(
              "staging",
              "k8s.apply",
              Map.of("namespace", "shop", "manifest", manifest),
              write("k8s.apply", false),
              null);
      PolicyDecision d = policy("staging", QUIET).check(c);
      assertThat(d.ruleId()).isEqualTo("namespace.scope");
      assertThat(d.observed()).containsEntry("namespaces", List.of("kube-system", "shop"));
    }

    @Test
    @DisplayName(
        "given an apply with the namespace only in its manifest, should take it from there")
    void givenApplyWithManifestNamespace_shouldUseIt() {
      Map<String, Object> manifest =
          Map.of(
              "apiVersion",
              "v1",
              "kind",
              "ConfigMap",
              "metadata",
              Map.of("name", "cfg", "namespace", "payments"));
      PolicyCheck c =
          propose(
              "staging",
              "k8s.apply",
              Map.of("manifest", manifest),
              write("k8s.apply", false),
              null);
      assertThat(policy("staging", QUIET).check(c).allowed()).isTrue();
    }
  }

  @Nested
  @DisplayName("freeze windows and break glass")
  class Freezes {
    private final Instant wednesdayBefore = Instant.parse("2026-11-25T15:00:00Z");

    @Test
    @DisplayName(
        "given prod during black-friday, should deny freeze.black-friday, overridable by sre-leads with +1 approval")
    void givenFreeze_shouldDenyOverridably() {
      Instant during = Instant.parse("2026-11-27T15:00:00Z"); // Fri 10:00 EST
      PolicyDecision d = policy("prod", during).check(scale("prod", 5));

      assertThat(d.allowed()).isFalse();
      assertThat(d.ruleId()).isEqualTo("freeze.black-friday");
      assertThat(d.reason())
          .contains(
              "freeze window 'black-friday' (America/New_York, 2026-11-27T00:00 to 2026-11-30T00:00) is active at 2026-11-27T10:00-05:00")
          .contains("break glass");
      assertThat(d.overridableBy()).containsExactly("carol");
      assertThat(d.requiredApprovals()).isEqualTo(3);
      assertThat(d.approvers()).contains("alice", "bob", "carol");
      assertThat(d.observed())
          .containsEntry("window", "black-friday")
          .containsEntry("timezone", "America/New_York");
    }

    @Test
    @DisplayName("given approval before the freeze and execution during it, should deny at RECHECK")
    void givenFreezeBeganWhileApproving_shouldDenyAtRecheck() {
      PolicyCheck proposed = scale("prod", 5);
      assertThat(policy("prod", wednesdayBefore).check(proposed).allowed()).isTrue();

      Instant during = Instant.parse("2026-11-27T15:00:00Z");
      PolicyDecision d =
          policy("prod", during)
              .check(recheck(proposed, List.of(approval("alice"), approval("bob")), null));
      assertThat(d.allowed()).isFalse();
      assertThat(d.ruleId()).isEqualTo("freeze.black-friday");
      assertThat(d.stage()).isEqualTo(PolicyStage.RECHECK);
    }

    @Test
    @DisplayName(
        "given a break-glass approval from carol plus two more, should allow at RECHECK as break-glass:freeze.black-friday")
    void givenBreakGlass_shouldAllowAndRecordIt() {
      Instant during = Instant.parse("2026-11-27T15:00:00Z");
      PolicyCheck proposed = scale("prod", 5);
      List<ApprovalRecord> approvals =
          List.of(
              approval("alice"),
              approval("bob"),
              approval(
                  "carol",
                  "2026-11-27T14:59:00Z",
                  "checkout is down",
                  "checkout outage, revenue impact"));

      PolicyDecision d =
          policy("prod", during)
              .check(recheck(proposed, approvals, "checkout outage, revenue impact"));

      assertThat(d.allowed()).isTrue();
      assertThat(d.ruleId()).isEqualTo("break-glass:freeze.black-friday");
      assertThat(d.reason()).contains("carol", "checkout outage");
      assertThat(d.observed())
          .containsEntry("overridden", "freeze.black-friday")
          .containsEntry("by", "carol");
    }

    @Test
    @DisplayName(
        "given break glass with only the usual number of approvals, should deny approvals at RECHECK")
    void givenBreakGlassWithoutExtraApproval_shouldDeny() {
      Instant during = Instant.parse("2026-11-27T15:00:00Z");
      List<ApprovalRecord> approvals =
          List.of(approval("alice"), approval("carol", "2026-11-27T14:59:00Z", "c", "outage"));
      PolicyDecision d =
          policy("prod", during).check(recheck(scale("prod", 5), approvals, "outage"));
      assertThat(d.allowed()).isFalse();
      assertThat(d.ruleId()).isEqualTo("approvals");
      assertThat(d.reason()).contains("needs 3 distinct approvals");
    }

    @Test
    @DisplayName(
        "given a break-glass reason but no break-glass approval from sre-leads, should stay denied by the freeze")
    void givenBreakGlassReasonFromWrongRole_shouldStayDenied() {
      Instant during = Instant.parse("2026-11-27T15:00:00Z");
      List<ApprovalRecord> approvals =
          List.of(
              approval("carol"),
              approval("bob"),
              approval("alice", "2026-11-27T14:59:00Z", "c", "alice is not a lead"));
      PolicyDecision d =
          policy("prod", during).check(recheck(scale("prod", 5), approvals, "alice is not a lead"));
      assertThat(d.allowed()).isFalse();
      assertThat(d.ruleId()).isEqualTo("freeze.black-friday");
    }

    @Test
    @DisplayName(
        "given the nightly-batch window (breakGlass: false), should deny without any override")
    void givenUnbreakableWindow_shouldDenyHard() {
      Instant nightly = Instant.parse("2026-03-11T05:45:00Z"); // 01:45 EDT
      PolicyDecision d = policy("prod", nightly).check(scale("prod", 5));
      assertThat(d.ruleId()).isEqualTo("freeze.nightly-batch");
      assertThat(d.overridableBy()).isEmpty();
      assertThat(d.reason()).contains("cannot be overridden");
    }

    @Test
    @DisplayName("given reads during a freeze, should allow them")
    void givenReadDuringFreeze_shouldAllow() {
      Instant during = Instant.parse("2026-11-27T15:00:00Z");
      PolicyCheck c =
          propose(
              "prod",
              "k8s.get",
              Map.of("namespace", "shop", "name", "web", "kind", "Deployment"),
              read("k8s.get"),
              null);
      assertThat(policy("prod", during).check(c).allowed()).isTrue();
    }

    @Test
    @DisplayName(
        "given a deny window inside an allow window, deny should win; outside every allow window writes are denied")
    void givenAllowAndDenyWindows_denyShouldWin() {
      String yaml =
          """
          groups: {sre: [alice, bob]}
          environments:
            prod:
              cluster: {simulated: true}
              allowedNamespaces: [shop]
              allowedTools: ["*"]
              approvals: {groups: [sre], required: 1}
              breakGlass: {groups: [sre]}
              freezeWindows:
                - id: change-window
                  type: allow
                  timezone: Europe/Berlin
                  days: [MON, TUE, WED, THU]
                  start: "09:00"
                  end: "17:00"
                - id: release-freeze
                  timezone: Europe/Berlin
                  start: "2026-03-11T12:00"
                  end: "2026-03-11T14:00"
          """;
      PolicyFile file = PolicyFile.parse("windows.yaml", yaml.getBytes(StandardCharsets.UTF_8));
      PolicyCheck c = scale("prod", 5);

      PolicyDecision insideBoth = at(file, "2026-03-11T11:30:00Z").check(c); // 12:30 CET, Wednesday
      assertThat(insideBoth.ruleId()).isEqualTo("freeze.release-freeze");
      assertThat(insideBoth.allowed()).isFalse();

      assertThat(at(file, "2026-03-11T09:00:00Z").check(c).allowed())
          .as("10:00 CET inside the change window")
          .isTrue();

      PolicyDecision evening = at(file, "2026-03-11T17:00:00Z").check(c); // 18:00 CET
      assertThat(evening.allowed()).isFalse();
      assertThat(evening.ruleId()).isEqualTo("freeze.outside-allow-windows");
      assertThat(evening.overridableBy()).isEmpty();
    }

    private PolicyActivitiesImpl at(PolicyFile file, String instant) {
      return new PolicyActivitiesImpl(
          file, "prod", Clock.fixed(Instant.parse(instant), ZoneOffset.UTC), UNLOCKED, ALLOW_ALL);
    }
  }

  @Nested
  @DisplayName("CEL rules")
  class Cel {
    @Test
    @DisplayName(
        "given replicas > 20 in prod, should deny cel.max-replicas with the rule's message")
    void givenTooManyReplicas_shouldDeny() {
      PolicyDecision d = policy("prod", QUIET).check(scale("prod", 25));
      assertThat(d.allowed()).isFalse();
      assertThat(d.ruleId()).isEqualTo("cel.max-replicas");
      assertThat(d.reason()).contains("capacity review");
      assertThat(d.observed()).containsKey("expression");
    }

    @Test
    @DisplayName(
        "given replicas as a decimal 25.0, should still deny (numbers compare across int and double)")
    void givenDecimalReplicas_shouldDeny() {
      PolicyCheck c =
          propose(
              "prod",
              "k8s.scale",
              Map.of("namespace", "shop", "name", "web", "replicas", 25.0),
              write("k8s.scale", false),
              preview("Deployment", "shop", "web"));
      assertThat(policy("prod", QUIET).check(c).ruleId()).isEqualTo("cel.max-replicas");
    }

    @Test
    @DisplayName(
        "given an apply or patch whose written object has replicas > 20, should deny cel.max-replicas too")
    void givenApplyWithTooManyReplicas_shouldDeny() {
      com.fasterxml.jackson.databind.JsonNode intended =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .valueToTree(
                  Map.of(
                      "apiVersion",
                      "apps/v1",
                      "kind",
                      "Deployment",
                      "metadata",
                      Map.of("name", "web", "namespace", "shop"),
                      "spec",
                      Map.of("replicas", 50)));
      io.interlock.contract.values.Preview p =
          new io.interlock.contract.values.Preview(
              new io.interlock.contract.values.TargetRef(
                  "apps/v1", "Deployment", "shop", "web", "uid-1", "42", true),
              "apply",
              "",
              "server-side dry-run",
              intended,
              List.of());
      for (String tool : List.of("k8s.apply", "k8s.patch")) {
        PolicyCheck c =
            propose(
                "prod",
                tool,
                Map.of("namespace", "shop", "name", "web", "kind", "Deployment"),
                write(tool, false),
                p);
        assertThat(policy("prod", QUIET).check(c).ruleId()).as(tool).isEqualTo("cel.max-replicas");
      }
    }

    @Test
    @DisplayName(
        "given a kind alias (cm, SECRET), rules see the normalised kind and cannot be dodged")
    void givenKindAlias_shouldSeeNormalisedKind() {
      String yaml =
          """
          groups: {sre: [alice]}
          environments:
            staging:
              cluster: {simulated: true}
              allowedNamespaces: [shop]
              allowedTools: ["*"]
              approvals: {groups: [sre], required: 1}
              rules:
                - id: no-secret-deletes
                  message: secrets are deleted by hand
                  expression: "call.tool == 'k8s.delete' && call.args.kind == 'Secret'"
                  effect: deny
          """;
      PolicyFile file = PolicyFile.parse("alias.yaml", yaml.getBytes(StandardCharsets.UTF_8));
      PolicyActivitiesImpl p =
          new PolicyActivitiesImpl(
              file, "staging", Clock.fixed(QUIET, ZoneOffset.UTC), UNLOCKED, ALLOW_ALL);
      for (String alias : List.of("SECRET", "secret", "secrets")) {
        PolicyCheck c =
            propose(
                "staging",
                "k8s.delete",
                Map.of("namespace", "shop", "name", "db", "kind", alias),
                write("k8s.delete", true),
                new io.interlock.contract.values.Preview(
                    new io.interlock.contract.values.TargetRef(
                        "v1", "Secret", "shop", "db", "uid-1", "42", true),
                    "delete",
                    "",
                    "server-side dry-run",
                    null,
                    List.of()));
        assertThat(p.check(c).ruleId()).as(alias).isEqualTo("cel.no-secret-deletes");
      }
    }

    @Test
    @DisplayName("given a delete in prod, should require 2 approvals via cel.delete-needs-two")
    void givenDeleteInProd_shouldRequireTwo() {
      PolicyCheck c =
          propose(
              "prod",
              "k8s.delete",
              Map.of("namespace", "shop", "name", "web", "kind", "Deployment"),
              write("k8s.delete", false),
              preview("Deployment", "shop", "web"));
      PolicyDecision d = policy("prod", QUIET).check(c);
      assertThat(d.allowed()).isTrue();
      assertThat(d.requiredApprovals()).isEqualTo(2);
    }

    @Test
    @DisplayName(
        "given a requireApprovals rule above the default, should raise the count; and an evaluation error should deny")
    void givenRequireNAndEvalError() {
      String yaml =
          """
          groups: {sre: [alice, bob, erin, frank]}
          environments:
            staging:
              cluster: {simulated: true}
              allowedNamespaces: [shop]
              allowedTools: ["*"]
              approvals: {groups: [sre], required: 1}
              rules:
                - id: big-scale
                  message: big scale needs three
                  expression: "call.tool == 'k8s.scale' && call.args.replicas >= 10"
                  requireApprovals: 3
                - id: image-tag
                  message: images must be pinned
                  expression: "call.tool == 'k8s.set-image' && !call.args.image.endsWith(':latest')"
                  effect: deny
          """;
      PolicyFile file = PolicyFile.parse("rules.yaml", yaml.getBytes(StandardCharsets.UTF_8));
      PolicyActivitiesImpl p =
          new PolicyActivitiesImpl(
              file, "staging", Clock.fixed(QUIET, ZoneOffset.UTC), UNLOCKED, ALLOW_ALL);

      PolicyDecision big = p.check(scale("staging", 12));
      assertThat(big.allowed()).isTrue();
      assertThat(big.requiredApprovals()).isEqualTo(3);

      // k8s.scale without replicas: "call.args.replicas" has no such key -> evaluation error ->
      // deny.
      PolicyCheck noReplicas =
          propose(
              "staging",
              "k8s.scale",
              Map.of("namespace", "shop", "name", "web"),
              write("k8s.scale", false),
              preview("Deployment", "shop", "web"));
      PolicyDecision broken = p.check(noReplicas);
      assertThat(broken.allowed()).isFalse();
      assertThat(broken.ruleId()).isEqualTo("cel.big-scale");
      assertThat(broken.reason()).contains("could not be evaluated", "replicas");
      assertThat(broken.observed()).containsKey("error");
    }

    @Test
    @DisplayName("given a rule on the target, time and requester, should see them")
    void givenTargetNowRequester_shouldSeeThem() {
      String yaml =
          """
          groups: {sre: [alice]}
          environments:
            staging:
              cluster: {simulated: true}
              allowedNamespaces: [shop]
              allowedTools: ["*"]
              approvals: {groups: [sre], required: 1}
              rules:
                - id: bots-not-on-web-in-2026
                  message: bots may not touch web this year
                  expression: >-
                    target.name == 'web' && target.kind == 'Deployment' && requester.startsWith('agent:')
                    && now > timestamp('2026-01-01T00:00:00Z') && spec.destructive == false && environment == 'staging'
                  effect: deny
          """;
      PolicyFile file = PolicyFile.parse("target.yaml", yaml.getBytes(StandardCharsets.UTF_8));
      PolicyActivitiesImpl p =
          new PolicyActivitiesImpl(
              file, "staging", Clock.fixed(QUIET, ZoneOffset.UTC), UNLOCKED, ALLOW_ALL);
      assertThat(p.check(scale("staging", 2)).ruleId()).isEqualTo("cel.bots-not-on-web-in-2026");
      assertThat(
              new PolicyActivitiesImpl(
                      file,
                      "staging",
                      Clock.fixed(Instant.parse("2025-06-01T00:00:00Z"), ZoneOffset.UTC),
                      UNLOCKED,
                      ALLOW_ALL)
                  .check(scale("staging", 2))
                  .allowed())
          .isTrue();
    }
  }

  @Nested
  @DisplayName("approvals at RECHECK")
  class Approvals {
    @Test
    @DisplayName("given two distinct prod approvers, should allow at RECHECK")
    void givenEnoughApprovals_shouldAllow() {
      PolicyDecision d =
          policy("prod", QUIET)
              .check(
                  recheck(scale("prod", 5), List.of(approval("alice"), approval("carol")), null));
      assertThat(d.allowed()).isTrue();
      assertThat(d.stage()).isEqualTo(PolicyStage.RECHECK);
    }

    @Test
    @DisplayName(
        "given the same approver twice, the requester and an outsider, should count one and deny approvals")
    void givenDuplicatesSelfAndOutsider_shouldDeny() {
      List<ApprovalRecord> approvals =
          List.of(approval("alice"), approval("alice"), approval(REQUESTER), approval("dave"));
      PolicyDecision d = policy("prod", QUIET).check(recheck(scale("prod", 5), approvals, null));
      assertThat(d.allowed()).isFalse();
      assertThat(d.ruleId()).isEqualTo("approvals");
      assertThat(d.observed())
          .containsEntry("valid", List.of("alice"))
          .containsEntry("required", 2);
      assertThat(d.reason()).contains("the requester", "dave (not in");
    }
  }

  @Nested
  @DisplayName("environment lock")
  class Locks {
    @Test
    @DisplayName("given a lock until later, should deny environment.lock naming who, why and until")
    void givenLock_shouldDeny() {
      LockReader locked =
          env ->
              new LockState(
                  env,
                  true,
                  "carol",
                  "incident INC-42",
                  "2026-03-11T14:00:00Z",
                  "2026-03-11T18:00:00Z");
      PolicyActivitiesImpl p =
          new PolicyActivitiesImpl(
              PolicyChecks.defaultPolicy(),
              "staging",
              Clock.fixed(QUIET, ZoneOffset.UTC),
              locked,
              ALLOW_ALL);
      PolicyDecision d = p.check(scale("staging", 5));
      assertThat(d.allowed()).isFalse();
      assertThat(d.ruleId()).isEqualTo("environment.lock");
      assertThat(d.reason()).contains("carol", "incident INC-42", "2026-03-11T18:00:00Z");
      assertThat(d.overridableBy()).isEmpty();
    }

    @Test
    @DisplayName("given a lock whose until has passed by the policy clock, should not block")
    void givenExpiredLock_shouldAllow() {
      LockReader stale =
          env ->
              new LockState(
                  env, true, "carol", "x", "2026-03-11T10:00:00Z", "2026-03-11T12:00:00Z");
      PolicyActivitiesImpl p =
          new PolicyActivitiesImpl(
              PolicyChecks.defaultPolicy(),
              "staging",
              Clock.fixed(QUIET, ZoneOffset.UTC),
              stale,
              ALLOW_ALL);
      assertThat(p.check(scale("staging", 5)).allowed()).isTrue();
    }

    @Test
    @DisplayName("given the lock cannot be read, should deny (fail closed)")
    void givenUnreadableLock_shouldDeny() {
      LockReader broken =
          env -> {
            throw new IllegalStateException("temporal unavailable");
          };
      PolicyActivitiesImpl p =
          new PolicyActivitiesImpl(
              PolicyChecks.defaultPolicy(),
              "staging",
              Clock.fixed(QUIET, ZoneOffset.UTC),
              broken,
              ALLOW_ALL);
      PolicyDecision d = p.check(scale("staging", 5));
      assertThat(d.ruleId()).isEqualTo("environment.lock");
      assertThat(d.reason()).contains("temporal unavailable");
    }
  }

  @Nested
  @DisplayName("access review")
  class Access {
    private final List<AccessRequest> asked = new ArrayList<>();

    /** Records every review; allows all but {@code deniedVerb}. */
    private AccessReview recording(String deniedVerb) {
      return r -> {
        asked.add(r);
        return new AccessVerdict(!r.verb().equals(deniedVerb), "RBAC: no " + deniedVerb);
      };
    }

    /** Staging's policy with a lock set and the given reviewer. */
    private PolicyActivitiesImpl lockedWith(AccessReview access) {
      LockReader locked =
          env -> new LockState(env, true, "carol", "incident", "2026-03-11T14:00:00Z", null);
      return new PolicyActivitiesImpl(
          PolicyChecks.defaultPolicy(),
          "staging",
          Clock.fixed(QUIET, ZoneOffset.UTC),
          locked,
          access);
    }

    @Test
    @DisplayName(
        "given a scale, should ask update apps/deployments in shop (the guarded PUT the tool sends)")
    void givenScale_shouldReviewTheUpdateItSends() {
      List<AccessRequest> asked = new ArrayList<>();
      AccessReview recording =
          r -> {
            asked.add(r);
            return new AccessVerdict(true, null);
          };
      new PolicyActivitiesImpl(
              PolicyChecks.defaultPolicy(),
              "staging",
              Clock.fixed(QUIET, ZoneOffset.UTC),
              UNLOCKED,
              recording)
          .check(scale("staging", 5));
      assertThat(asked)
          .containsExactly(new AccessRequest("update", "apps", "deployments", null, "shop", "web"));
    }

    @Test
    @DisplayName(
        "given the ACCESS stage (no preview yet), should review from the call's arguments and decide on access alone, not on the lock")
    void givenAccessStage_shouldReviewArgumentsOnly() {
      PolicyDecision d = lockedWith(recording("update")).check(access(scale("staging", 5)));

      assertThat(d.stage()).isEqualTo(PolicyStage.ACCESS);
      assertThat(d.ruleId()).isEqualTo("rbac.ssar");
      assertThat(d.reason()).contains("may not update", "RBAC: no update");
      assertThat(asked)
          .containsExactly(new AccessRequest("update", "apps", "deployments", null, "shop", "web"));
    }

    @Test
    @DisplayName(
        "given the ACCESS stage and a lock, an out-of-scope namespace or an apply, should allow what the engine may send, deny the scope, and leave an apply's create to PROPOSE")
    void givenAccessStage_shouldLeaveTheRestToPropose() {
      PolicyActivitiesImpl p = lockedWith(recording("none"));

      PolicyDecision scaled = p.check(access(scale("staging", 5)));
      assertThat(scaled.allowed()).as("%s", scaled).isTrue();
      assertThat(p.check(scale("staging", 5)).ruleId()).isEqualTo("environment.lock");

      Map<String, Object> manifest =
          Map.of(
              "apiVersion",
              "v1",
              "kind",
              "ConfigMap",
              "metadata",
              Map.of("name", "fresh", "namespace", "shop"));
      asked.clear();
      PolicyDecision applied =
          p.check(
              access(
                  propose(
                      "staging",
                      "k8s.apply",
                      Map.of("manifest", manifest),
                      write("k8s.apply", false),
                      null)));
      assertThat(applied.allowed()).as("%s", applied).isTrue();
      assertThat(asked)
          .containsExactly(new AccessRequest("patch", "", "configmaps", null, "shop", "fresh"));

      PolicyDecision elsewhere =
          p.check(
              access(
                  propose(
                      "staging",
                      "k8s.scale",
                      Map.of("namespace", "kube-system", "name", "dns", "replicas", 1),
                      write("k8s.scale", false),
                      null)));
      assertThat(elsewhere.ruleId()).isEqualTo("namespace.scope");
    }

    @Test
    @DisplayName("given a review that throws, should deny rbac.ssar")
    void givenReviewFails_shouldDeny() {
      AccessReview failing =
          r -> {
            throw new IllegalStateException("connection refused");
          };
      PolicyDecision d =
          new PolicyActivitiesImpl(
                  PolicyChecks.defaultPolicy(),
                  "staging",
                  Clock.fixed(QUIET, ZoneOffset.UTC),
                  UNLOCKED,
                  failing)
              .check(scale("staging", 5));
      assertThat(d.ruleId()).isEqualTo("rbac.ssar");
      assertThat(d.reason()).contains("connection refused", "nothing was changed");
    }
  }

  @Test
  @DisplayName("given a null call, should deny rather than throw (fail closed)")
  void givenGarbage_shouldDeny() {
    PolicyCheck c =
        new PolicyCheck(
            PolicyStage.PROPOSE,
            "t",
            "s",
            REQUESTER,
            "staging",
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    PolicyDecision d = policy("staging", QUIET).check(c);
    assertThat(d.allowed()).isFalse();
    assertThat(d.policyVersion()).startsWith("sha256:");
  }
}
