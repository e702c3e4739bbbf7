package io.interlock.gate;

import static io.interlock.gate.GateHarness.awaitStep;
import static io.interlock.gate.GateHarness.scale;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.interlock.contract.commands.BatchDecision;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.AuditKind;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.AuditEntry;
import io.interlock.contract.views.BatchOutcome;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
import io.interlock.workflows.proof.BatchStatement;
import io.temporal.client.WorkflowUpdateException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Batch approval: one statement, one proof, many exact calls. Each task acts only on its own
 * entries, and each entry still binds its step's callHash, deadline, approvers and requester.
 * Writes are counted at the simulated API server.
 */
class GateBatchTest {
  @AutoClose private final GateHarness h = new GateHarness();

  /** A pending write and the task it waits in. */
  private record Pending(AgentTask task, StepView step) {
    BatchStatement.Entry entry() {
      return new BatchStatement.Entry(task.status().taskRunId(), step.stepId(), step.callHash());
    }
  }

  private Pending pending(String requester, String environment, ToolCall call) {
    AgentTask task = h.start(requester, environment);
    return new Pending(task, task.propose(call));
  }

  /** Five deployments in shop, so five tasks can write at once without touching each other. */
  private List<String> fiveDeployments() {
    List<String> names = List.of("web", "api", "cart", "search", "checkout");
    Deployment web =
        h.cluster.client().apps().deployments().inNamespace("shop").withName("web").get();
    for (String name : names.subList(2, names.size())) {
      h.cluster
          .client()
          .apps()
          .deployments()
          .inNamespace("shop")
          .resource(
              new DeploymentBuilder(web)
                  .editMetadata()
                  .withName(name)
                  .withResourceVersion(null)
                  .withUid(null)
                  .endMetadata()
                  .build())
          .create();
    }
    return names;
  }

  private static BatchStatement statement(String approver, boolean approve, List<Pending> ps) {
    Instant now = TestIdentities.now();
    return new BatchStatement(
        approver,
        approve ? "approve" : "reject",
        approve ? "incident 42" : "not now",
        now.toString(),
        now.plusSeconds(600).toString(),
        ps.stream().map(Pending::entry).toList());
  }

  private static BatchDecision signedByIssuer(BatchStatement st) {
    return new BatchDecision(st, TestIdentities.jws(st.statement()));
  }

  private static List<AuditEntry> entries(AgentTask task, AuditKind kind) {
    return task.audit().stream().filter(e -> e.kind() == kind).toList();
  }

  @Test
  @DisplayName(
      "given 5 writes waiting in 5 tasks, one SSH-signed batch approves them all: exactly 5 writes at the API server, each audit naming the digest and its own entry")
  void batchOfFiveExecutesFive() {
    List<String> names = fiveDeployments();
    List<Pending> ps = new ArrayList<>();
    for (String name : names) {
      ps.add(pending("agent:bot", "staging", scale(name, 4)));
    }
    long before = h.mutations();
    BatchStatement st = statement("alice", true, ps);
    BatchDecision d = new BatchDecision(st, TestIdentities.ssh("alice", st.statement()));
    ps.forEach(p -> p.task().batch(d));
    for (int i = 0; i < ps.size(); i++) {
      Pending p = ps.get(i);
      StepView done = awaitStep(p.task(), p.step().stepId(), v -> v.state().isFinal());
      assertThat(done.state()).as(done.error()).isEqualTo(StepState.VERIFIED);
      assertThat(done.approvals())
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.approver()).isEqualTo("alice");
                assertThat(a.proof().verified()).isTrue();
                assertThat(a.proof().statementDigest()).isEqualTo(st.digest());
                assertThat(a.batch()).isEqualTo(st.digest());
              });
      AuditEntry batch = entries(p.task(), AuditKind.BATCH).get(0);
      assertThat(batch.detail())
          .containsEntry("statementDigest", st.digest())
          .containsEntry("entries", 5)
          .containsEntry("own", List.of(Map.of("entry", i, "stepId", p.step().stepId())));
      AuditEntry approval = entries(p.task(), AuditKind.APPROVAL).get(0);
      assertThat(approval.detail().get("batch"))
          .isEqualTo(Map.of("statementDigest", st.digest(), "entry", i, "entries", 5));
    }
    names.forEach(n -> assertThat(h.replicas(n)).isEqualTo(4));
    h.assertMutations(before + 5);
  }

  @Test
  @DisplayName(
      "given one target changed after signing, the other 4 run and that one fails TARGET_CHANGED without a write")
  void changedTargetFailsAlone() {
    List<String> names = fiveDeployments();
    List<Pending> ps = new ArrayList<>();
    for (String name : names) {
      ps.add(pending("agent:bot", "staging", scale(name, 5)));
    }
    BatchDecision d = signedByIssuer(statement("alice", true, ps));
    h.cluster
        .client()
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("cart")
        // A merge patch without resourceVersion: the controller is still rolling the new one out.
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":1}}");
    long before = h.mutations();
    ps.forEach(p -> p.task().batch(d));
    for (Pending p : ps) {
      StepView done = awaitStep(p.task(), p.step().stepId(), v -> v.state().isFinal());
      if (p.step().args().get("name").equals("cart")) {
        assertThat(done.state()).isEqualTo(StepState.FAILED);
        assertThat(done.error()).contains("TARGET_CHANGED");
      } else {
        assertThat(done.state()).as(done.error()).isEqualTo(StepState.VERIFIED);
      }
    }
    assertThat(h.replicas("cart")).isEqualTo(1);
    h.assertMutations(before + 4);
  }

  @Test
  @DisplayName(
      "given a call re-proposed after signing (another hash), that entry is refused as a hash mismatch and the others run")
  void hashMismatchRefusedAlone() {
    Pending a = pending("agent:bot", "staging", scale("web", 6));
    Pending b = pending("agent:bot", "staging", scale("api", 6));
    BatchStatement.Entry stale =
        new BatchStatement.Entry(
            b.task().status().taskRunId(), b.step().stepId(), "sha256:" + "0".repeat(64));
    Instant now = TestIdentities.now();
    BatchStatement st =
        new BatchStatement(
            "alice",
            "approve",
            null,
            now.toString(),
            now.plusSeconds(600).toString(),
            List.of(a.entry(), stale));
    long before = h.mutations();
    List<BatchOutcome> outA = a.task().decideBatch(signedByIssuer(st)).outcomes();
    List<BatchOutcome> outB = b.task().decideBatch(signedByIssuer(st)).outcomes();
    assertThat(outA).singleElement().satisfies(o -> assertThat(o.accepted()).isTrue());
    assertThat(outB)
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.accepted()).isFalse();
              assertThat(o.why()).contains("callHash mismatch");
              assertThat(o.state()).isEqualTo(StepState.AWAITING_APPROVAL);
            });
    assertThat(awaitStep(a.task(), a.step().stepId(), v -> v.state().isFinal()).state())
        .isEqualTo(StepState.VERIFIED);
    assertThat(b.task().status().steps().get(0).refusals())
        .singleElement()
        .satisfies(r -> assertThat(r.why()).contains("callHash mismatch"));
    h.assertMutations(before + 1);
  }

  @Test
  @DisplayName(
      "a batch statement replayed to a task it does not list is refused and recorded, even when that task has a step of the same id")
  void replayedToUnlistedTaskRefused() {
    Pending listed = pending("agent:bot", "staging", scale("web", 3));
    Pending other = pending("agent:bot", "staging", scale("api", 5));
    assertThat(other.step().stepId()).isEqualTo(listed.step().stepId());
    BatchDecision d = signedByIssuer(statement("alice", true, List.of(listed)));
    long before = h.mutations();
    other.task().batch(d);
    assertThatThrownBy(() -> other.task().decideBatch(d))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("lists no step of task");
    await()
        .untilAsserted(
            () ->
                assertThat(entries(other.task(), AuditKind.REFUSED))
                    .singleElement()
                    .satisfies(
                        e ->
                            assertThat((String) e.detail().get("why"))
                                .contains("lists no step of task")));
    assertThat(other.task().status().steps().get(0).state()).isEqualTo(StepState.AWAITING_APPROVAL);
    assertThat(other.task().status().steps().get(0).approvals()).isEmpty();
    h.assertMutations(before);
  }

  @Test
  @DisplayName(
      "the same statement signalled twice approves once: a prod step needing two approvers stays waiting with one, the repeat recorded")
  void sameStatementTwiceCountsOnce() {
    Pending p = pending("agent:bot", "prod", scale("web", 3));
    BatchDecision d = signedByIssuer(statement("alice", true, List.of(p)));
    long before = h.mutations();
    p.task().batch(d);
    p.task().batch(d);
    await()
        .untilAsserted(() -> assertThat(entries(p.task(), AuditKind.APPROVAL_REPEATED)).hasSize(1));
    StepView s = p.task().status().steps().get(0);
    assertThat(s.state()).isEqualTo(StepState.AWAITING_APPROVAL);
    assertThat(s.approvals()).extracting(a -> a.approver()).containsExactly("alice");
    h.assertMutations(before);
  }

  @Test
  @DisplayName(
      "a batch signed by the requester of one task refuses that entry only; the other tasks' writes run")
  void requesterEntryRefusedOnly() {
    Pending byBob = pending("bob", "staging", scale("web", 7));
    Pending byBot1 = pending("agent:bot", "staging", scale("api", 7));
    BatchDecision d = signedByIssuer(statement("bob", true, List.of(byBob, byBot1)));
    long before = h.mutations();
    List<BatchOutcome> refused = byBob.task().decideBatch(d).outcomes();
    List<BatchOutcome> accepted = byBot1.task().decideBatch(d).outcomes();
    assertThat(refused)
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.accepted()).isFalse();
              assertThat(o.why()).contains("self-approval");
            });
    assertThat(accepted).singleElement().satisfies(o -> assertThat(o.accepted()).isTrue());
    assertThat(awaitStep(byBot1.task(), byBot1.step().stepId(), v -> v.state().isFinal()).state())
        .isEqualTo(StepState.VERIFIED);
    assertThat(byBob.task().status().steps().get(0).state()).isEqualTo(StepState.AWAITING_APPROVAL);
    h.assertMutations(before + 1);
  }

  @Test
  @DisplayName(
      "an entry added after signing breaks the one proof: every entry is refused, nothing runs")
  void editedStatementRefused() {
    Pending a = pending("agent:bot", "staging", scale("web", 8));
    Pending b = pending("agent:bot", "staging", scale("api", 8));
    BatchStatement signed = statement("alice", true, List.of(a));
    ApprovalProof proof = TestIdentities.jws(signed.statement());
    BatchStatement widened =
        new BatchStatement(
            signed.approver(),
            signed.decision(),
            signed.comment(),
            signed.issuedAt(),
            signed.expiresAt(),
            List.of(a.entry(), b.entry()));
    long before = h.mutations();
    for (Pending p : List.of(a, b)) {
      assertThat(p.task().decideBatch(new BatchDecision(widened, proof)).outcomes())
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.accepted()).isFalse();
                assertThat(o.why()).contains("proof refused");
              });
    }
    h.assertMutations(before);
  }

  @Test
  @DisplayName(
      "prod's batch rules: more entries than approvals.batch.maxEntries, or a destructive step, refuse the prod entry with the rule named")
  void policyCapsBatches() {
    Pending prod = pending("agent:bot", "prod", scale("web", 3));
    List<Pending> ps = new ArrayList<>(List.of(prod));
    for (String name : List.of("api")) {
      ps.add(pending("agent:bot", "staging", scale(name, 3)));
    }
    Pending extra1 = pending("agent:bot", "staging", scale("web", 9));
    Pending extra2 = pending("agent:bot", "staging", scale("api", 9));
    ps.add(extra1);
    ps.add(extra2);
    BatchDecision four = signedByIssuer(statement("alice", true, ps));
    assertThat(prod.task().decideBatch(four).outcomes())
        .singleElement()
        .satisfies(o -> assertThat(o.why()).contains("approvals.batch.maxEntries").contains("3"));

    Pending delete =
        pending(
            "agent:bot",
            "prod",
            new ToolCall(
                "k8s.delete",
                Map.of("namespace", "shop", "kind", "ConfigMap", "name", "web-config")));
    long before = h.mutations();
    BatchDecision withDelete = signedByIssuer(statement("alice", true, List.of(delete)));
    assertThat(delete.task().decideBatch(withDelete).outcomes())
        .singleElement()
        .satisfies(
            o ->
                assertThat(o.why())
                    .contains("destructive")
                    .contains("approvals.batch.destructive"));
    assertThat(delete.task().status().steps().get(0).approvals()).isEmpty();
    h.assertMutations(before);
  }

  @Test
  @DisplayName("a batch rejection rejects each listed step with the signed reason")
  void batchRejection() {
    Pending a = pending("agent:bot", "staging", scale("web", 2));
    Pending b = pending("agent:bot", "staging", scale("api", 2));
    BatchDecision d = signedByIssuer(statement("alice", false, List.of(a, b)));
    long before = h.mutations();
    for (Pending p : List.of(a, b)) {
      assertThat(p.task().decideBatch(d).outcomes())
          .singleElement()
          .satisfies(o -> assertThat(o.state()).isEqualTo(StepState.REJECTED));
    }
    h.assertMutations(before);
  }

  @Test
  @DisplayName(
      "oversized or malformed batches are refused whole before any entry is looked at, with the rule named")
  void malformedBatchesRefused() {
    Pending p = pending("agent:bot", "staging", scale("web", 3));
    Instant now = TestIdentities.now();
    List<BatchStatement.Entry> many = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      many.add(new BatchStatement.Entry(p.entry().task(), "s" + i, p.step().callHash()));
    }
    BatchStatement huge =
        new BatchStatement(
            "alice", "approve", null, now.toString(), now.plusSeconds(60).toString(), many);
    BatchStatement twice =
        new BatchStatement(
            "alice",
            "approve",
            null,
            now.toString(),
            now.plusSeconds(60).toString(),
            List.of(p.entry(), p.entry()));
    BatchStatement odd =
        new BatchStatement(
            "alice",
            "maybe",
            null,
            now.toString(),
            now.plusSeconds(60).toString(),
            List.of(p.entry()));
    long before = h.mutations();
    assertThatThrownBy(() -> p.task().decideBatch(signedByIssuer(huge)))
        .rootCause()
        .hasMessageContaining("at most 100 entries");
    assertThatThrownBy(() -> p.task().decideBatch(signedByIssuer(twice)))
        .rootCause()
        .hasMessageContaining("list each step once");
    assertThatThrownBy(() -> p.task().decideBatch(new BatchDecision(odd, null)))
        .rootCause()
        .hasMessageContaining("'approve' or 'reject'");
    p.task().batch(new BatchDecision(huge, null));
    await().untilAsserted(() -> assertThat(entries(p.task(), AuditKind.REFUSED)).hasSize(1));
    assertThat(p.task().status().steps().get(0).state()).isEqualTo(StepState.AWAITING_APPROVAL);
    h.assertMutations(before);
  }
}
