package io.interlock.gate;

import static io.interlock.gate.GateHarness.awaitStep;
import static io.interlock.gate.GateHarness.scale;
import static io.interlock.gate.TestIdentities.decision;
import static io.interlock.gate.TestIdentities.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.interlock.contract.commands.Approval;
import io.interlock.contract.commands.Decision;
import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
import io.interlock.workflows.AuditMarker;
import io.interlock.workflows.proof.ProofSigner;
import io.interlock.workflows.proof.Statement;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The unforgeable gate: an agent holding a Temporal client but no approver's key cannot make a
 * write happen. Every attack is refused and recorded with 0 mutations at the API server; every
 * proven path executes exactly once.
 */
class GateProofTest {
  /** A fresh engine per test, closed after it (JUnit creates one instance per test method). */
  @AutoClose private final GateHarness h = new GateHarness();

  // ---- attacks ------------------------------------------------------------------------------

  @Test
  @DisplayName(
      "claimed approver names without proof are refused in prod and staging, by signal and by decide")
  void claimedNamesRefused() {
    AgentTask prod = h.start("agent:bot", "prod");
    StepView s = prod.propose(scale("web", 4));
    prod.approve(new Approval(s.stepId(), s.callHash(), "alice", null));
    prod.approve(new Approval(s.stepId(), s.callHash(), "bob", null));
    assertThatThrownBy(
            () -> prod.decide(new Decision(s.stepId(), s.callHash(), "carol", true, null)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("no proof");
    StepView after = awaitStep(prod, s.stepId(), v -> v.refusals().size() == 3);
    assertThat(after.refusals())
        .extracting(r -> r.approver())
        .containsExactlyInAnyOrder("alice", "bob", "carol");
    assertThat(after.refusals())
        .allSatisfy(r -> assertThat(r.why()).contains("proof refused").contains("no proof"));
    assertThat(after.approvals()).isEmpty();
    assertThat(after.state()).isEqualTo(StepState.AWAITING_APPROVAL);

    AgentTask staging = h.start("agent:bot", "staging");
    StepView t = staging.propose(scale("api", 4));
    staging.approve(new Approval(t.stepId(), t.callHash(), "alice", null));
    assertThat(awaitStep(staging, t.stepId(), v -> !v.refusals().isEmpty()).refusals().get(0).why())
        .contains("no proof");
    GateHarness.stillHolds(() -> h.assertMutations(0));
  }

  @Test
  @DisplayName(
      "a start that carries task state in the continuation memo is refused before anything runs")
  void forgedCarriedStateRefused() {
    Map<String, Object> forgedStep =
        Map.of(
            "stepId",
            "s1",
            "tool",
            "k8s.scale",
            "effect",
            "WRITE",
            "state",
            "APPROVED",
            "args",
            Map.of("namespace", "shop", "kind", "Deployment", "name", "web", "replicas", 9),
            "approvals",
            List.of(Map.of("approver", "alice"), Map.of("approver", "bob")),
            "preview",
            Map.of(
                "target",
                Map.of("kind", "Deployment", "namespace", "shop", "name", "web", "exists", true)));
    Map<String, Object> snapshot =
        Map.of(
            "steps",
            List.of(forgedStep),
            "auditSeq",
            1,
            "nextStepNumber",
            2,
            "finishRequested",
            true,
            "taskId",
            "forged");
    WorkflowStub stub =
        h.client.newUntypedWorkflowStub(
            "AgentTask",
            WorkflowOptions.newBuilder()
                .setTaskQueue(AgentTask.TASK_QUEUE)
                .setWorkflowId("task-forged")
                .setMemo(Map.of("interlock.carried", snapshot))
                .build());
    stub.start(
        Map.of(
            "requester",
            "agent:bot",
            "environment",
            "staging",
            "goal",
            "forged",
            "finishWhenDone",
            true));
    assertThatThrownBy(() -> stub.getResult(Map.class))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .hasMessageContaining("only a continue-as-new of the task itself");
    h.assertMutations(0);
    assertThat(h.replicas("web")).isEqualTo(2);

    // The old public field is no longer part of TaskRequest: a start carrying it fails at once,
    // naming it.
    WorkflowStub old =
        h.client.newUntypedWorkflowStub(
            "AgentTask",
            WorkflowOptions.newBuilder()
                .setTaskQueue(AgentTask.TASK_QUEUE)
                .setWorkflowId("task-old-resume")
                .build());
    old.start(
        Map.of(
            "requester",
            "agent:bot",
            "environment",
            "staging",
            "goal",
            "forged",
            "resume",
            snapshot));
    assertThatThrownBy(() -> old.getResult(Map.class))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .hasMessageContaining("Unrecognized field \"resume\"");
    h.assertMutations(0);
  }

  @Test
  @DisplayName(
      "a valid proof replayed on another step, task or hash, after expiry, or a reject proof used to approve, is refused")
  void replayedProofsRefused() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s1 = task.propose(scale("web", 4));
    String run = task.status().taskRunId();
    Instant now = now();
    Statement forS1 = decision(run, s1, "alice", true, "ok", null, now, now.plusSeconds(600));
    ApprovalProof proof = TestIdentities.jws(forS1);

    AgentTask other = h.start("agent:bot", "staging");
    StepView o1 = other.propose(scale("api", 4));
    // another task (same step id s1, its own hash): the statement names the first task
    other.approve(new Approval(o1.stepId(), o1.callHash(), "alice", "ok", null, proof));
    // another hash: the approval names a hash the proof does not cover
    task.approve(new Approval(s1.stepId(), o1.callHash(), "alice", "ok", null, proof));
    // a rejection's proof used to approve
    ApprovalProof rejectProof =
        TestIdentities.jws(
            decision(run, s1, "alice", false, "ok", null, now, now.plusSeconds(600)));
    task.approve(new Approval(s1.stepId(), s1.callHash(), "alice", "ok", null, rejectProof));
    // a tampered comment
    task.approve(
        new Approval(s1.stepId(), s1.callHash(), "alice", "ok, and scale api too", null, proof));
    // an expired proof
    ApprovalProof expired =
        TestIdentities.jws(
            decision(
                run, s1, "alice", true, "ok", null, now.minusSeconds(900), now.minusSeconds(300)));
    task.approve(new Approval(s1.stepId(), s1.callHash(), "alice", "ok", null, expired));

    StepView refused = awaitStep(task, s1.stepId(), v -> v.refusals().size() == 4);
    assertThat(refused.refusals())
        .extracting(r -> r.why())
        .satisfiesExactly(
            w -> assertThat(w).contains("callHash mismatch"),
            w -> assertThat(w).contains("proof refused"),
            w -> assertThat(w).contains("proof refused"),
            w -> assertThat(w).contains("expired"));
    assertThat(awaitStep(other, o1.stepId(), v -> !v.refusals().isEmpty()).refusals().get(0).why())
        .contains("proof refused");

    h.assertMutations(0);

    // s1's own proof, then the same proof on the next step of the same task
    task.approve(new Approval(s1.stepId(), s1.callHash(), "alice", "ok", null, proof));
    assertThat(awaitStep(task, s1.stepId(), v -> v.state().isFinal()).state())
        .isEqualTo(StepState.VERIFIED);
    StepView s2 = task.propose(scale("api", 5));
    assertThat(s2.state()).isEqualTo(StepState.AWAITING_APPROVAL);
    task.approve(new Approval(s2.stepId(), s2.callHash(), "alice", "ok", null, proof));
    assertThat(awaitStep(task, s2.stepId(), v -> !v.refusals().isEmpty()).refusals().get(0).why())
        .contains("proof refused");
    assertThat(task.status().steps().get(1).state()).isEqualTo(StepState.AWAITING_APPROVAL);
    h.assertMutations(1);
  }

  @Test
  @DisplayName(
      "bob's SSH key signing as alice is refused; alice's own key is accepted and shown as verified ssh-ed25519")
  void anotherApproversKey() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s = task.propose(scale("web", 4));
    String run = task.status().taskRunId();
    Statement asAlice = decision(run, s, "alice", true, "ok", null, now(), now().plusSeconds(600));
    task.approve(
        new Approval(
            s.stepId(), s.callHash(), "alice", "ok", null, TestIdentities.ssh("bob", asAlice)));
    assertThat(awaitStep(task, s.stepId(), v -> !v.refusals().isEmpty()).refusals().get(0).why())
        .contains("proof refused")
        .contains("not listed for 'alice'");
    h.assertMutations(0);

    task.approve(
        new Approval(
            s.stepId(), s.callHash(), "alice", "ok", null, TestIdentities.ssh("alice", asAlice)));
    StepView done = awaitStep(task, s.stepId(), v -> v.state().isFinal());
    assertThat(done.state()).isEqualTo(StepState.VERIFIED);
    assertThat(done.approvals())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.proof().verified()).isTrue();
              assertThat(a.proof().label()).startsWith("verified (ssh-ed25519 SHA256:");
            });
    h.assertMutations(1);
  }

  @Test
  @DisplayName(
      "tokens with alg none, HS256 keyed with the public key, an untrusted key or issuer, or expired, are refused")
  void forgedTokensRefused() throws Exception {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s = task.propose(scale("web", 4));
    String run = task.status().taskRunId();
    Instant now = now();
    Statement st = decision(run, s, "alice", true, "ok", null, now, now.plusSeconds(600));
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(TestIdentities.ISSUER);
    claims.setSubject("alice");
    claims.setIssuedAt(org.jose4j.jwt.NumericDate.fromSeconds(now.getEpochSecond()));
    claims.setExpirationTime(
        org.jose4j.jwt.NumericDate.fromSeconds(now.plusSeconds(600).getEpochSecond()));
    claims.setClaim("interlock_statement", st.digest());
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String none =
        b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + b64.encodeToString(claims.toJson().getBytes(StandardCharsets.UTF_8))
            + ".";
    JsonWebSignature hs = new JsonWebSignature();
    hs.setPayload(claims.toJson());
    hs.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
    hs.setKey(
        new HmacKey(
            ProofSigner.publicJwk(TestIdentities.issuerPrivateJwk())
                .getBytes(StandardCharsets.UTF_8)));
    hs.setDoKeyValidation(false);
    String hmac = hs.getCompactSerialization();
    String untrustedKey =
        ProofSigner.issueJws(TestIdentities.ISSUER, ProofSigner.newEd25519Jwk("evil"), st);
    String wrongIssuer = ProofSigner.issueJws("evil-idp", ProofSigner.newEd25519Jwk("evil"), st);
    Statement old =
        decision(run, s, "alice", true, "ok", null, now.minusSeconds(1200), now.minusSeconds(600));
    String expired =
        ProofSigner.issueJws(TestIdentities.ISSUER, TestIdentities.issuerPrivateJwk(), old);

    for (String token : List.of(none, hmac, untrustedKey, wrongIssuer)) {
      task.approve(
          new Approval(
              s.stepId(),
              s.callHash(),
              "alice",
              "ok",
              null,
              ApprovalProof.jws(token, st.issuedAt(), st.expiresAt())));
    }
    task.approve(
        new Approval(
            s.stepId(),
            s.callHash(),
            "alice",
            "ok",
            null,
            ApprovalProof.jws(expired, old.issuedAt(), old.expiresAt())));
    StepView v = awaitStep(task, s.stepId(), x -> x.refusals().size() == 5);
    assertThat(v.refusals())
        .allSatisfy(r -> assertThat(r.why()).startsWith("proof refused for 'alice'"));
    assertThat(v.refusals().get(3).why()).contains("evil-idp");
    assertThat(v.refusals().get(4).why()).contains("expired");
    assertThat(v.approvals()).isEmpty();
    h.assertMutations(0);
  }

  @Test
  @DisplayName(
      "prod refuses a start without a requester proof, or with one made for another task, before anything runs")
  void requesterProofs() {
    AgentTask bare =
        h.startAs(
            "task-bare",
            new TaskRequest("agent:bot", "prod", "no proof", List.of(scale("web", 9))));
    assertThatThrownBy(() -> WorkflowStub.fromTyped(bare).getResult(Object.class))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .hasMessageContaining("requests.proof");

    Instant now = now();
    ApprovalProof forAnother =
        TestIdentities.jws(
            Statement.request(
                "task-other",
                "agent:bot",
                "prod",
                now.toString(),
                now.plusSeconds(600).toString()));
    AgentTask stolen =
        h.startAs(
            "task-stolen",
            new TaskRequest("agent:bot", "prod", "stolen proof", List.of(scale("web", 9)))
                .withRequesterProof(forAnother));
    assertThatThrownBy(() -> WorkflowStub.fromTyped(stolen).getResult(Object.class))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .hasMessageContaining("not proven");
    for (String id : List.of("task-bare", "task-stolen")) {
      List<String> markers =
          h.client.fetchHistory(id).getEvents().stream()
              .filter(e -> e.hasMarkerRecordedEventAttributes())
              .map(e -> AuditMarker.payloads(e.getMarkerRecordedEventAttributes()))
              .filter(p -> p != null)
              .map(p -> p.getPayloads(0).getData().toStringUtf8())
              .toList();
      assertThat(markers)
          .as("the refusal is in %s's history", id)
          .anySatisfy(m -> assertThat(m).contains("\"kind\":\"REQUEST_REFUSED\""));
    }
    h.assertMutations(0);
  }

  @Test
  @DisplayName("a proven requester can never approve their own call, even with a valid proof")
  void selfApprovalWithProof() {
    AgentTask task = h.start("alice", "prod");
    StepView s = task.propose(scale("web", 4));
    assertThat(task.status().requesterProof().label()).isEqualTo("verified (issuer test-idp)");
    task.approve(TestIdentities.approval(task, s, "alice", "mine", null));
    assertThat(awaitStep(task, s.stepId(), v -> !v.refusals().isEmpty()).refusals().get(0).why())
        .contains("self-approval");
    h.assertMutations(0);
  }

  @Test
  @DisplayName(
      "malformed, oversized and bursty approval payloads are refused or dropped; the task keeps answering and still approves")
  void malformedPayloadsLeaveTaskHealthy() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s = task.propose(scale("web", 4));
    WorkflowStub raw = WorkflowStub.fromTyped(task);
    raw.signal("approve", Map.of("stepId", Map.of("a", 1), "proof", 5, "bogus", true));
    raw.signal("approve", "just a string");
    raw.signal("reject", List.of(1, 2, 3));
    String huge = "x".repeat(1_000_000);
    task.approve(new Approval(s.stepId(), huge, "alice", null));
    task.approve(
        new Approval(
            s.stepId(), s.callHash(), "alice", huge, null, ApprovalProof.jws(huge, huge, huge)));
    for (int i = 0; i < 60; i++) {
      task.approve(new Approval(s.stepId(), "sha256:wrong" + i, "mallory", null));
    }
    assertThatThrownBy(
            () -> raw.update("decide", Map.class, Map.of("stepId", s.stepId(), "approve", "maybe")))
        .isInstanceOf(WorkflowUpdateException.class);
    StepView after =
        awaitStep(task, s.stepId(), v -> v.refusals().size() + v.refusalsDropped() >= 62);
    assertThat(after.refusals()).hasSize(AgentTaskRefusalCap.MAX);
    assertThat(after.refusalsDropped()).isEqualTo(62 - AgentTaskRefusalCap.MAX);
    assertThat(after.refusals()).allSatisfy(r -> assertThat(r.why().length()).isLessThan(600));
    assertThat(after.state()).isEqualTo(StepState.AWAITING_APPROVAL);
    h.assertMutations(0);

    task.approve(TestIdentities.approval(task, s, "alice", "ok", null));
    assertThat(awaitStep(task, s.stepId(), v -> v.state().isFinal()).state())
        .isEqualTo(StepState.VERIFIED);
    h.assertMutations(1);
  }

  @Test
  @DisplayName(
      "where policy says approvals.proof: claimed, a bare name counts and is shown as an unverified claim")
  void claimedModeIsMarked() throws Exception {
    java.nio.file.Path claimed = java.nio.file.Files.createTempFile("gate-claimed-", ".yaml");
    java.nio.file.Files.writeString(
        claimed,
        java.nio.file.Files.readString(GateHarness.POLICY)
            .replace(
                "    approvals:\n      groups: [sre]\n      required: 1\n",
                "    approvals:\n      groups: [sre]\n      required: 1\n      proof: claimed\n"));
    try (GateHarness sandbox = new GateHarness(claimed, java.time.Clock.systemUTC())) {
      AgentTask task = sandbox.start("agent:bot", "staging");
      StepView s = task.propose(scale("web", 4));
      assertThat(s.policy().proofs().mode()).isEqualTo("claimed");
      task.approve(new Approval(s.stepId(), s.callHash(), "alice", "sandbox"));
      StepView done = awaitStep(task, s.stepId(), v -> v.state().isFinal());
      assertThat(done.state()).isEqualTo(StepState.VERIFIED);
      assertThat(done.approvals())
          .singleElement()
          .satisfies(a -> assertThat(a.proof().label()).isEqualTo("unverified claim"));
      sandbox.assertMutations(1);
    }
  }

  @Test
  @DisplayName(
      "racing approve and reject: an approval answered as accepted always ran; one overtaken by a rejection says so")
  void approveRejectRace() throws Exception {
    int rounds = 8;
    int approvedAnswers = 0;
    for (int i = 0; i < rounds; i++) {
      AgentTask task = h.start("agent:bot", "staging");
      StepView s = task.propose(scale("web", 3 + i));
      Decision approve = TestIdentities.decide(task, s, "alice", true, "go");
      Decision reject = TestIdentities.decide(task, s, "bob", false, "stop");
      var a = java.util.concurrent.CompletableFuture.supplyAsync(() -> answer(task, approve));
      var r = java.util.concurrent.CompletableFuture.supplyAsync(() -> answer(task, reject));
      Object approveAnswer = a.get();
      r.get();
      StepView end = awaitStep(task, s.stepId(), v -> v.state().isFinal());
      if (approveAnswer instanceof StepView) {
        approvedAnswers++;
        assertThat(end.state())
            .as("an approval answered as accepted")
            .isEqualTo(StepState.VERIFIED);
      } else {
        assertThat(end.state()).isEqualTo(StepState.REJECTED);
        assertThat(((Exception) approveAnswer))
            .rootCause()
            .message()
            .containsAnyOf("rejected", "not AWAITING_APPROVAL");
      }
    }
    h.assertMutations(approvedAnswers);
  }

  /** The decide update's answer: the step, or the failure it was refused with. */
  private static Object answer(AgentTask task, Decision d) {
    try {
      return task.decide(d);
    } catch (WorkflowUpdateException e) {
      return e;
    }
  }

  /** The refusal cap the workflow applies per step (AgentTaskImpl.MAX_REFUSALS). */
  private static final class AgentTaskRefusalCap {
    static final int MAX = 50;
  }

  // ---- proven paths -------------------------------------------------------------------------

  @Test
  @DisplayName(
      "2-of-N in prod with one SSH signature and one issuer token executes exactly once, both shown as verified")
  void twoOfNMixed() {
    AgentTask task = h.start("agent:bot", "prod");
    StepView s = task.propose(scale("web", 4));
    String run = task.status().taskRunId();
    Statement alice = decision(run, s, "alice", true, "lgtm", null, now(), now().plusSeconds(600));
    task.approve(
        new Approval(
            s.stepId(), s.callHash(), "alice", "lgtm", null, TestIdentities.ssh("alice", alice)));
    StepView one = awaitStep(task, s.stepId(), v -> v.approvals().size() == 1);
    assertThat(one.state()).isEqualTo(StepState.AWAITING_APPROVAL);
    h.assertMutations(0);
    StepView decided = task.decide(TestIdentities.decide(task, s, "bob", true, "go"));
    assertThat(decided.approvals()).hasSize(2);
    StepView done = awaitStep(task, s.stepId(), v -> v.state().isFinal());
    assertThat(done.state()).isEqualTo(StepState.VERIFIED);
    assertThat(done.approvals())
        .extracting(a -> a.proof().label())
        .satisfiesExactly(
            l -> assertThat(l).startsWith("verified (ssh-ed25519 SHA256:"),
            l -> assertThat(l).isEqualTo("verified (issuer test-idp)"));
    assertThat(done.recheck().allowed()).isTrue();
    h.assertMutations(1);
    assertThat(h.replicas("web")).isEqualTo(4);
  }
}
