package io.interlock.activities.policy;

import io.interlock.contract.activities.PolicyCheck;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.ApprovalRecord;
import io.interlock.contract.values.Effect;
import io.interlock.contract.values.PolicyStage;
import io.interlock.contract.values.Preview;
import io.interlock.contract.values.TargetRef;
import io.interlock.contract.values.ToolSpec;
import io.interlock.workflows.lock.LockState;
import io.interlock.workflows.proof.ProofSigner;
import io.interlock.workflows.proof.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Test fixtures: checks for the bundled example policy, built the way the AgentTask workflow builds
 * them.
 */
final class PolicyChecks {
  private PolicyChecks() {}

  static final String REQUESTER = "agent:incident-bot";

  /** A Wednesday afternoon: no freeze window of the example is open. */
  static final Instant QUIET = Instant.parse("2026-03-11T15:00:00Z");

  static final LockReader UNLOCKED = LockState::unlocked;
  static final AccessReview ALLOW_ALL = r -> new AccessVerdict(true, "test: allowed");

  /** The test issuer every approval of these fixtures is proven by (a key made for this JVM). */
  static final String ISSUER = "test-idp";

  static final String ISSUER_KEY = ProofSigner.newEd25519Jwk("policy-test");
  static final String TASK_RUN = "run-1";
  static final String CALL_HASH = "sha256:test";

  /** The bundled example policy, trusting the test issuer instead of the dev key files. */
  static PolicyFile defaultPolicy() {
    PolicyFile p = PolicyFile.loadDefault();
    Identities ids =
        new Identities(
            List.of(),
            Map.of(),
            Map.of(ISSUER, new Identities.Issuer(List.of(ProofSigner.publicJwk(ISSUER_KEY)), null)),
            0);
    return new PolicyFile(
        p.source(),
        p.version(),
        p.groups(),
        p.reviewers(),
        ids,
        p.environments(),
        p.compiledRules());
  }

  static PolicyActivitiesImpl policy(String env, Instant now) {
    return new PolicyActivitiesImpl(
        defaultPolicy(), env, Clock.fixed(now, ZoneOffset.UTC), UNLOCKED, ALLOW_ALL);
  }

  static ToolSpec write(String tool, boolean destructive) {
    return new ToolSpec(tool, Effect.WRITE, false, destructive, tool, "observed state", null);
  }

  static ToolSpec read(String tool) {
    return new ToolSpec(tool, Effect.READ, true, false, tool, null, null);
  }

  static Preview preview(String kind, String namespace, String name) {
    String api = kind.equals("Node") ? "v1" : "apps/v1";
    return new Preview(
        new TargetRef(api, kind, namespace, name, "uid-1", "42", true),
        "summary",
        "",
        "server-side dry-run",
        null,
        List.of());
  }

  static PolicyCheck propose(
      String env, String tool, Map<String, Object> args, ToolSpec spec, Preview preview) {
    return new PolicyCheck(
        PolicyStage.PROPOSE,
        "task-1",
        "s1",
        REQUESTER,
        env,
        new ToolCall(tool, args),
        spec,
        preview,
        List.of(),
        null,
        TASK_RUN,
        CALL_HASH);
  }

  /** The same call checked at ACCESS, before any preview exists. */
  static PolicyCheck access(PolicyCheck proposed) {
    return new PolicyCheck(
        PolicyStage.ACCESS,
        proposed.taskId(),
        proposed.stepId(),
        proposed.requester(),
        proposed.environment(),
        proposed.call(),
        proposed.spec(),
        null,
        proposed.approvals(),
        null,
        TASK_RUN,
        CALL_HASH);
  }

  static PolicyCheck recheck(
      PolicyCheck proposed, List<ApprovalRecord> approvals, String breakGlassReason) {
    return new PolicyCheck(
        PolicyStage.RECHECK,
        proposed.taskId(),
        proposed.stepId(),
        proposed.requester(),
        proposed.environment(),
        proposed.call(),
        proposed.spec(),
        proposed.preview(),
        approvals,
        breakGlassReason,
        TASK_RUN,
        CALL_HASH);
  }

  /** k8s.scale of shop/web to {@code replicas} in {@code env}. */
  static PolicyCheck scale(String env, int replicas) {
    return propose(
        env,
        "k8s.scale",
        Map.of("namespace", "shop", "name", "web", "kind", "Deployment", "replicas", replicas),
        write("k8s.scale", false),
        preview("Deployment", "shop", "web"));
  }

  static ApprovalRecord approval(String who) {
    return approval(who, "2026-03-11T14:00:00Z", "ok", null);
  }

  /**
   * An approval as the workflow records it: with the test issuer's token over its exact statement.
   */
  static ApprovalRecord approval(String who, String at, String comment, String breakGlass) {
    Instant t = Instant.parse(at);
    Statement st =
        Statement.decision(
            TASK_RUN,
            "s1",
            CALL_HASH,
            who,
            true,
            comment,
            breakGlass,
            t.toString(),
            t.plusSeconds(600).toString());
    ApprovalProof proof =
        ApprovalProof.jws(
            ProofSigner.issueJws(ISSUER, ISSUER_KEY, st), st.issuedAt(), st.expiresAt());
    return new ApprovalRecord(who, at, comment, breakGlass, null, proof);
  }
}
