package io.interlock.gate;

import static io.interlock.gate.GateHarness.approve;
import static io.interlock.gate.GateHarness.awaitState;
import static io.interlock.gate.GateHarness.awaitStep;
import static io.interlock.gate.GateHarness.get;
import static io.interlock.gate.GateHarness.scale;
import static io.interlock.gate.GateHarness.setImage;
import static io.interlock.gate.GateHarness.step;
import static io.interlock.gate.GateHarness.workflowId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.contract.commands.Decision;
import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.AuditKind;
import io.interlock.contract.values.Confidence;
import io.interlock.contract.values.Effect;
import io.interlock.contract.values.StepState;
import io.interlock.contract.values.TaskState;
import io.interlock.contract.views.AuditEntry;
import io.interlock.contract.views.StepView;
import io.interlock.contract.views.TaskView;
import io.interlock.workflows.AgentTask;
import io.interlock.workflows.AuditMarker;
import io.interlock.workflows.TaskSearchAttributes;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The invariant, end to end: in every test the mutating requests the API server persisted are
 * counted and must match the approved steps exactly — no write without approval, none twice.
 */
class GateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A fresh engine per test, closed after it (JUnit creates one instance per test method). */
  @AutoClose private final GateHarness h = new GateHarness();

  @Test
  @DisplayName("given a READ, propose returns its result at once with no approval and no mutation")
  void readRunsAtOnce() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView read = task.propose(get("web"));
    assertThat(read.effect()).isEqualTo(Effect.READ);
    assertThat(read.state()).isEqualTo(StepState.SUCCEEDED);
    assertThat(read.result().toString()).contains("\"web\"");
    assertThat(read.callHash()).isNull();
    h.assertMutations(0);
  }

  @Test
  @DisplayName(
      "given a READ outside the environment's namespaces, it is BLOCKED by namespace.scope and returns nothing")
  void readObeysScope() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView read =
        task.propose(
            new ToolCall(
                "k8s.get",
                Map.of("namespace", "kube-system", "kind", "Deployment", "name", "log-agent")));
    assertThat(read.state()).isEqualTo(StepState.BLOCKED);
    assertThat(read.policy().ruleId()).isEqualTo("namespace.scope");
    assertThat(read.result() == null || read.result().isNull()).as("no read ran").isTrue();
    StepView logs =
        task.propose(
            new ToolCall("k8s.logs", Map.of("namespace", "kube-system", "name", "log-agent")));
    assertThat(logs.state()).isEqualTo(StepState.BLOCKED);
    assertThat(task.propose(get("web")).state()).isEqualTo(StepState.SUCCEEDED);
    h.assertMutations(0);
  }

  @Test
  @DisplayName(
      "given a WRITE, it waits for approval with a hash, a deadline and a preview, and mutates nothing")
  void writeWaits() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s = task.propose(scale("web", 5));
    assertThat(s.effect()).isEqualTo(Effect.WRITE);
    assertThat(s.state()).isEqualTo(StepState.AWAITING_APPROVAL);
    assertThat(s.callHash()).matches("sha256:[0-9a-f]{64}");
    assertThat(s.deadline()).isNotBlank();
    assertThat(s.preview().diff()).contains("replicas");
    assertThat(s.preview().target().resourceVersion()).isNotBlank();
    assertThat(s.policy().allowed()).isTrue();
    assertThat(task.status().state()).isEqualTo(TaskState.AWAITING_APPROVAL);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(h.inbox.awaiting)
                    .extracting(p -> p.stepId())
                    .containsExactly(s.stepId()));
    h.assertMutations(0);
    assertThat(h.replicas("web")).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "given the right approval, the write executes exactly once and is verified with evidence")
  void approvedWriteExecutesOnceAndVerifies() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s = task.propose(scale("web", 5));
    approve(h.client.newWorkflowStub(AgentTask.class, workflowId(task)), s, "alice");
    StepView done = awaitStep(task, s.stepId(), v -> v.state().isFinal());
    assertThat(done.state()).as("error: %s", done.error()).isEqualTo(StepState.VERIFIED);
    assertThat(done.verification().confidence()).isEqualTo(Confidence.HIGH);
    assertThat(done.verification().evidence()).isNotEmpty();
    assertThat(done.approvals()).extracting(a -> a.approver()).containsExactly("alice");
    assertThat(done.before().toString()).contains("\"replicas\":2");
    assertThat(h.replicas("web")).isEqualTo(5);
    h.assertMutations(1);
    assertThat(kinds(task))
        .containsSubsequence(
            AuditKind.PROPOSED,
            AuditKind.PREVIEWED,
            AuditKind.POLICY,
            AuditKind.AWAITING_APPROVAL,
            AuditKind.APPROVAL,
            AuditKind.APPROVED,
            AuditKind.POLICY_RECHECK,
            AuditKind.EXECUTING,
            AuditKind.EXECUTED,
            AuditKind.VERIFIED);
  }

  @Test
  @DisplayName(
      "given a wrong hash, self-approval or an approver the policy does not allow, each is refused and recorded, nothing mutated")
  void refusals() {
    AgentTask task = h.start("alice", "staging");
    StepView s = task.propose(scale("web", 4));
    task.approve(
        new io.interlock.contract.commands.Approval(
            s.stepId(), "sha256:" + "0".repeat(64), "bob", null));
    approve(task, s, "alice"); // alice requested it
    approve(task, s, "dave"); // not an approver in the policy
    StepView v = awaitStep(task, s.stepId(), x -> x.refusals().size() == 3);
    assertThat(v.state()).isEqualTo(StepState.AWAITING_APPROVAL);
    assertThat(v.approvals()).isEmpty();
    assertThat(v.refusals()).extracting(r -> r.approver()).containsExactly("bob", "alice", "dave");
    assertThat(v.refusals().get(0).why()).contains("callHash mismatch");
    assertThat(v.refusals().get(1).why()).contains("self-approval");
    assertThat(v.refusals().get(2).why()).contains("not allowed by policy");
    assertThat(v.refusals()).allSatisfy(r -> assertThat(r.at()).isNotBlank());
    assertThat(kinds(task)).filteredOn(AuditKind.REFUSED::equals).hasSize(3);
    h.assertMutations(0);
  }

  @Test
  @DisplayName(
      "the decide update answers a refusal at once as an error and an acceptance with the approved step")
  void decideAnswersImmediately() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s = task.propose(scale("web", 3));
    StepView badHash =
        new StepView(
            s.stepId(),
            s.tool(),
            s.args(),
            s.effect(),
            s.state(),
            s.idempotent(),
            s.destructive(),
            "sha256:bad",
            s.preview(),
            s.policy(),
            s.recheck(),
            s.approvals(),
            s.refusals(),
            s.deadline(),
            s.result(),
            s.error(),
            s.verification(),
            s.before(),
            s.after(),
            s.rollbackOf(),
            s.proposedAt(),
            0,
            false);
    assertThatThrownBy(() -> task.decide(TestIdentities.decide(task, badHash, "bob", true, null)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("callHash mismatch");
    assertThatThrownBy(() -> task.decide(new Decision("s99", s.callHash(), "bob", true, null)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("unknown step");
    StepView approved = task.decide(TestIdentities.decide(task, s, "bob", true, "go"));
    assertThat(approved.state()).isNotEqualTo(StepState.AWAITING_APPROVAL);
    assertThat(awaitState(task, s.stepId(), StepState.VERIFIED).approvals()).hasSize(1);
    h.assertMutations(1);
  }

  @Test
  @DisplayName(
      "given the deadline passes, the step EXPIRES, nothing mutates and a late approval is refused")
  void deadlineExpires() {
    AgentTask task =
        h.start(
            new TaskRequest("agent:bot", "staging", "expire", null, 600L, null, null, null, null));
    StepView s = task.propose(scale("web", 6));
    h.env.sleep(Duration.ofMinutes(11));
    StepView expired = awaitState(task, s.stepId(), StepState.EXPIRED);
    assertThat(expired.error()).contains("deadline");
    approve(task, s, "alice");
    assertThat(awaitStep(task, s.stepId(), v -> !v.refusals().isEmpty()).refusals().get(0).why())
        .startsWith("late");
    assertThat(task.status().state()).isEqualTo(TaskState.HALTED);
    h.assertMutations(0);
    assertThat(h.replicas("web")).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "given a rejection, nothing mutates and queued steps are skipped until a new proposal")
  void rejectHalts() {
    AgentTask task = h.start("agent:bot", "staging", scale("web", 7), get("web"));
    StepView s1 = awaitState(task, "s1", StepState.AWAITING_APPROVAL);
    task.reject(TestIdentities.rejection(task, s1, "bob", "not during the sale"));
    assertThat(awaitState(task, "s1", StepState.REJECTED).error()).contains("not during the sale");
    assertThat(awaitState(task, "s2", StepState.SKIPPED).error()).contains("halted");
    TaskView halted = task.status();
    assertThat(halted.state()).isEqualTo(TaskState.HALTED);
    assertThat(halted.haltedBy()).isEqualTo("s1");
    StepView again = task.propose(get("web"));
    assertThat(again.state()).isEqualTo(StepState.SUCCEEDED);
    h.assertMutations(0);
  }

  @Test
  @DisplayName(
      "given a policy needing 2 approvals, two distinct people are needed and a repeat is idempotent")
  void twoOfN() {
    AgentTask task = h.start("agent:bot", "prod");
    StepView s = task.propose(scale("web", 3));
    assertThat(s.policy().requiredApprovals()).isEqualTo(2);
    approve(task, s, "alice");
    approve(task, s, "alice");
    StepView one = awaitStep(task, s.stepId(), v -> v.approvals().size() == 1);
    GateHarness.stillHolds(
        () ->
            assertThat(step(task.status(), s.stepId()).state())
                .isEqualTo(StepState.AWAITING_APPROVAL));
    assertThat(one.refusals()).isEmpty();
    h.assertMutations(0);
    approve(task, s, "bob");
    StepView done = awaitStep(task, s.stepId(), v -> v.state().isFinal());
    assertThat(done.state()).as(done.error()).isEqualTo(StepState.VERIFIED);
    assertThat(done.approvals()).extracting(a -> a.approver()).containsExactly("alice", "bob");
    assertThat(kinds(task)).contains(AuditKind.APPROVAL_REPEATED);
    h.assertMutations(1);
  }

  @Test
  @DisplayName(
      "given the target changed after the approved snapshot, it is not mutated and the error says so")
  void targetChanged() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s = task.propose(scale("web", 8));
    // Someone else changes the object after the preview the approval is bound to.
    h.cluster
        .client()
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("web")
        .edit(
            d -> {
              d.getSpec().setReplicas(3);
              return d;
            });
    long before = h.mutations();
    approve(task, s, "alice");
    StepView failed = awaitStep(task, s.stepId(), v -> v.state().isFinal());
    assertThat(failed.state()).isEqualTo(StepState.FAILED);
    assertThat(failed.error()).contains("changed").contains("TARGET_CHANGED");
    assertThat(h.replicas("web")).isEqualTo(3);
    h.assertMutations(before);
  }

  @Test
  @DisplayName(
      "given verification fails, a rollback is proposed as a gated WRITE and restores the before-state once approved")
  void verificationFailureProposesGatedRollback() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s = task.propose(setImage("web", "nginx:crashloop"));
    approve(task, s, "alice");
    StepView failed = awaitStep(task, s.stepId(), v -> v.state().isFinal());
    assertThat(failed.state()).isEqualTo(StepState.VERIFICATION_FAILED);
    assertThat(failed.verification().confidence()).isEqualTo(Confidence.LOW);
    assertThat(String.join("\n", failed.verification().evidence()))
        .containsIgnoringCase("crashloop");
    StepView rollback = awaitState(task, "s2", StepState.AWAITING_APPROVAL);
    assertThat(rollback.rollbackOf()).isEqualTo(s.stepId());
    assertThat(rollback.effect()).isEqualTo(Effect.WRITE);
    assertThat(rollback.args()).containsEntry("image", "nginx:1.25");
    h.assertMutations(1);
    approve(task, rollback, "bob");
    StepView restored = awaitStep(task, "s2", v -> v.state().isFinal());
    assertThat(restored.state()).as(restored.error()).isEqualTo(StepState.VERIFIED);
    assertThat(h.image("web")).isEqualTo("nginx:1.25");
    h.assertMutations(2);
  }

  @Test
  @DisplayName(
      "given an unknown tool or malformed args, the step fails with an error naming the problem and nothing runs")
  void badInput() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView unknown = task.propose(new ToolCall("k8s.nuke", Map.of("namespace", "shop")));
    assertThat(unknown.state()).isEqualTo(StepState.FAILED);
    assertThat(unknown.effect()).isEqualTo(Effect.WRITE);
    assertThat(unknown.error()).contains("k8s.nuke").contains("not in the catalog");
    StepView malformed =
        task.propose(
            new ToolCall(
                "k8s.scale", Map.of("namespace", "shop", "name", "web", "replicas", "five")));
    assertThat(malformed.state()).isEqualTo(StepState.FAILED);
    assertThat(malformed.error()).contains("args.replicas");
    StepView extra =
        task.propose(
            new ToolCall(
                "k8s.scale",
                Map.of("namespace", "shop", "name", "web", "replicas", 2, "force", true)));
    assertThat(extra.error()).contains("args.force");
    assertThat(h.inbox.awaiting).isEmpty();
    h.assertMutations(0);
  }

  @Test
  @DisplayName(
      "given a namespace the environment does not allow, the write is BLOCKED with the rule and nothing mutates")
  void policyBlocks() {
    AgentTask task = h.start("agent:bot", "staging");
    StepView s =
        task.propose(
            new ToolCall(
                "k8s.set-image",
                Map.of(
                    "namespace",
                    "kube-system",
                    "kind",
                    "DaemonSet",
                    "name",
                    "log-agent",
                    "image",
                    "fluent-bit:9")));
    assertThat(s.state()).isEqualTo(StepState.BLOCKED);
    assertThat(s.policy().ruleId()).isEqualTo("namespace.scope");
    assertThat(s.error())
        .contains("namespace.scope")
        .contains("kube-system")
        .contains(s.policy().policyVersion());
    assertThat(s.callHash()).isNull();
    assertThat(task.status().state()).isEqualTo(TaskState.HALTED);
    assertThat(h.inbox.awaiting).isEmpty();
    h.assertMutations(0);
  }

  @Test
  @DisplayName("a client with no Java class drives a task by name with plain JSON")
  void untypedClient() {
    WorkflowStub stub =
        h.client.newUntypedWorkflowStub(
            "AgentTask",
            io.temporal.client.WorkflowOptions.newBuilder()
                .setTaskQueue("interlock-tasks")
                .setWorkflowId("task-untyped")
                .build());
    stub.start(Map.of("requester", "agent:py", "environment", "staging", "goal", "scale web"));
    @SuppressWarnings("unchecked")
    Map<String, Object> step =
        stub.update(
            "propose",
            Map.class,
            Map.of(
                "tool",
                "k8s.scale",
                "args",
                Map.of("namespace", "shop", "name", "web", "replicas", 4)));
    assertThat(step).containsEntry("state", "AWAITING_APPROVAL").containsEntry("effect", "WRITE");
    // Signed with alice's SSH key by ssh-keygen itself, and sent as the Temporal CLI sends --input
    // JSON.
    String taskRunId = (String) stub.query("status", Map.class).get("taskRunId");
    java.time.Instant now = TestIdentities.now();
    io.interlock.workflows.proof.Statement st =
        io.interlock.workflows.proof.Statement.decision(
            taskRunId,
            (String) step.get("stepId"),
            (String) step.get("callHash"),
            "alice",
            true,
            null,
            null,
            now.toString(),
            now.plusSeconds(600).toString());
    var proof = TestIdentities.ssh("alice", st);
    stub.signal(
        "approve",
        Map.of(
            "stepId",
            step.get("stepId"),
            "callHash",
            step.get("callHash"),
            "approver",
            "alice",
            "proof",
            Map.of(
                "kind",
                "ssh",
                "signature",
                proof.signature(),
                "issuedAt",
                proof.issuedAt(),
                "expiresAt",
                proof.expiresAt())));
    AgentTask typed = h.client.newWorkflowStub(AgentTask.class, "task-untyped");
    assertThat(awaitStep(typed, (String) step.get("stepId"), v -> v.state().isFinal()).state())
        .isEqualTo(StepState.VERIFIED);
    stub.signal("finish");
    @SuppressWarnings("unchecked")
    Map<String, Object> result = stub.getResult(Map.class);
    assertThat(result).containsEntry("state", "COMPLETED");
    h.assertMutations(1);
  }

  @Test
  @DisplayName("search attributes let operators find tasks awaiting approval")
  void searchAttributes() {
    AgentTask task = h.start("agent:bot", "staging");
    task.propose(scale("web", 5));
    var described = h.client.newUntypedWorkflowStub(workflowId(task)).describe();
    assertThat(described.getTypedSearchAttributes().get(TaskSearchAttributes.TASK_STATE))
        .isEqualTo("AWAITING_APPROVAL");
    assertThat(described.getTypedSearchAttributes().get(TaskSearchAttributes.PENDING_STEPS))
        .containsExactly("s1");
    assertThat(described.getTypedSearchAttributes().get(TaskSearchAttributes.ENVIRONMENT))
        .isEqualTo("staging");
  }

  @Test
  @DisplayName(
      "given a long task, it continues as new carrying a pending approval, which still executes once when approved")
  void continueAsNewCarriesPendingApproval() throws Exception {
    AgentTask task =
        h.start(new TaskRequest("agent:bot", "staging", "long", null, null, null, null, 100, null));
    StepView s = task.propose(scale("web", 5));
    String firstRun = WorkflowStub.fromTyped(task).getExecution().getRunId();
    // Reads grow the history (by how much depends on the run's version) until it passes 100 events.
    String currentRun = firstRun;
    for (int i = 0; i < 60 && currentRun.equals(firstRun); i++) {
      task.propose(get("web"));
      currentRun =
          h.client.newUntypedWorkflowStub(workflowId(task)).describe().getExecution().getRunId();
    }
    assertThat(currentRun).as("a new run after continue-as-new").isNotEqualTo(firstRun);
    AgentTask latest = h.client.newWorkflowStub(AgentTask.class, workflowId(task));
    awaitStep(latest, s.stepId(), v -> true);
    StepView carried = step(latest.status(), s.stepId());
    assertThat(carried.state()).isEqualTo(StepState.AWAITING_APPROVAL);
    assertThat(carried.callHash()).isEqualTo(s.callHash());
    approve(latest, carried, "alice");
    assertThat(awaitStep(latest, s.stepId(), v -> v.state().isFinal()).state())
        .isEqualTo(StepState.VERIFIED);
    // The trail stays in each run's history (markers); the query answers for the current run only.
    List<JsonNode> firstRunEntries = new ArrayList<>();
    for (var e : h.client.fetchHistory(workflowId(task), firstRun).getEvents()) {
      var p =
          e.hasMarkerRecordedEventAttributes()
              ? AuditMarker.payloads(e.getMarkerRecordedEventAttributes())
              : null; // local activities and versions are markers too
      if (p != null) {
        firstRunEntries.addAll(
            AuditMarker.entries(JSON.readTree(p.getPayloads(0).getData().toStringUtf8())));
      }
    }
    assertThat(firstRunEntries)
        .extracting(n -> n.path("kind").asText())
        .contains("TASK_STARTED", "CONTINUED_AS_NEW");
    assertThat(firstRunEntries)
        .extracting(n -> n.path("seq").asLong())
        .as("the first run's entries, numbered in order")
        .isSorted()
        .doesNotHaveDuplicates();
    assertThat(latest.audit())
        .extracting(AuditEntry::seq)
        .doesNotHaveDuplicates()
        .allSatisfy(
            seq ->
                assertThat(seq)
                    .as("numbering continues across runs")
                    .isGreaterThan(firstRunEntries.size()));
    h.assertMutations(1);
  }

  private static List<AuditKind> kinds(AgentTask task) {
    return task.audit().stream().map(AuditEntry::kind).toList();
  }
}
