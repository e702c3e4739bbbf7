package io.interlock.workflows.gate;

import static io.interlock.workflows.gate.AuditTrail.detail;

import io.interlock.contract.commands.BatchDecision;
import io.interlock.contract.values.AuditKind;
import io.interlock.contract.values.ProofVerdict;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.BatchAnswer;
import io.interlock.contract.views.BatchOutcome;
import io.interlock.workflows.proof.BatchStatement;
import io.interlock.workflows.proof.ProofVerifier;
import io.interlock.workflows.proof.Statement;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a batch statement arrives: one proof over many exact calls, possibly of other tasks. This
 * task acts only on the entries naming its own first run id; each is checked like a single decision
 * (hash, deadline, approver, requester, proof) plus the batch rules of its policy, and accepted or
 * refused on its own.
 */
final class BatchDesk {
  private final TaskContext task;
  private final StepQueue steps;
  private final AuditTrail audit;
  private final ApprovalDesk desk;

  BatchDesk(TaskContext task, StepQueue steps, AuditTrail audit, ApprovalDesk desk) {
    this.task = task;
    this.steps = steps;
    this.audit = audit;
    this.desk = desk;
  }

  /** Why the batch cannot act here at all, or null when some entry is this task's. */
  String problem(BatchDecision d) {
    if (d == null || d.statement() == null) {
      return "refused batch: send {statement: {approver, decision, entries, ...}, proof}";
    }
    String malformed = d.statement().problem();
    if (malformed != null) {
      return "refused batch: " + malformed;
    }
    String tooLong = ApprovalRules.tooLong(null, null, null, null, null, d.proof());
    if (tooLong != null) {
      return tooLong;
    }
    if (own(d.statement()).isEmpty()) {
      return "refused batch: statement "
          + d.statement().digest()
          + " lists no step of task "
          + task.taskId()
          + " (first run "
          + task.taskRunId()
          + "); a batch decides only the exact steps it names";
    }
    return null;
  }

  /** Throws the problem, for an update's validator (a refused update changes nothing). */
  void check(BatchDecision d) {
    String problem = problem(d);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** Decides this task's entries, each on its own; every outcome is recorded. */
  List<BatchOutcome> apply(BatchDecision d) {
    String problem = problem(d);
    BatchStatement st = d == null ? null : d.statement();
    if (problem != null) {
      boolean digestible = st != null && st.problem() == null;
      audit.record(
          null,
          AuditKind.REFUSED,
          ApprovalRules.shown(st == null ? null : st.approver()),
          detail("why", problem, "statementDigest", digestible ? st.digest() : null));
      return List.of();
    }
    Statement statement = st.statement();
    String digest = statement.digest();
    List<Integer> own = own(st);
    List<Map<String, Object>> mine = new ArrayList<>();
    for (int i : own) {
      mine.add(detail("entry", i, "stepId", st.entries().get(i).stepId()));
    }
    audit.record(
        null,
        AuditKind.BATCH,
        st.approver(),
        detail(
            "statementDigest",
            digest,
            "decision",
            st.decision(),
            "entries",
            st.entries().size(),
            "own",
            mine,
            "issuedAt",
            st.issuedAt(),
            "expiresAt",
            st.expiresAt()));
    List<BatchOutcome> out = new ArrayList<>();
    for (int i : own) {
      BatchStatement.Entry e = st.entries().get(i);
      String why =
          desk.decideEntry(
              e.stepId(),
              e.callHash(),
              st.approver(),
              st.comment(),
              st.approving(),
              d.proof(),
              (s, now) -> verify(d, statement, s, now),
              new BatchRef(digest, i, st.entries().size()));
      out.add(new BatchOutcome(task.taskId(), i, e.stepId(), e.callHash(), why == null, why, null));
    }
    return out;
  }

  /** Applies the batch, waits until the gate reacted to what it accepted, and answers per entry. */
  BatchAnswer decide(BatchDecision d) {
    List<BatchOutcome> outcomes = apply(d);
    List<Step> accepted = new ArrayList<>();
    for (BatchOutcome o : outcomes) {
      if (o.accepted()) {
        accepted.add(steps.find(o.stepId()));
      }
    }
    Workflow.await(
        () ->
            accepted.stream()
                .allMatch(
                    s -> s.state() != StepState.AWAITING_APPROVAL || !ApprovalDesk.decided(s)));
    List<BatchOutcome> answer = new ArrayList<>();
    for (BatchOutcome o : outcomes) {
      Step s = steps.find(o.stepId());
      answer.add(
          new BatchOutcome(
              o.taskId(),
              o.entry(),
              o.stepId(),
              o.callHash(),
              o.accepted(),
              o.why(),
              s == null ? null : s.state()));
    }
    return new BatchAnswer(d.statement().digest(), answer);
  }

  /** Indexes of the entries that name this task's first run id. */
  private List<Integer> own(BatchStatement st) {
    List<Integer> own = new ArrayList<>();
    for (int i = 0; i < st.entries().size(); i++) {
      if (task.taskRunId().equals(st.entries().get(i).task())) {
        own.add(i);
      }
    }
    return own;
  }

  /** The one proof over the whole statement, against this step's keys and deadline. */
  private static ProofVerdict verify(BatchDecision d, Statement statement, Step s, long now) {
    if (d.proof() == null && s.policy.proofs().claimsAccepted()) {
      return ProofVerdict.claim(statement.digest());
    }
    return ProofVerifier.verify(d.proof(), statement, s.policy.proofs(), now, s.deadlineMillis);
  }
}
