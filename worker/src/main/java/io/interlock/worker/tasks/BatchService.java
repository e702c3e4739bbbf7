package io.interlock.worker.tasks;

import io.interlock.contract.commands.BatchDecision;
import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.CallerText;
import io.interlock.contract.views.BatchAnswer;
import io.interlock.contract.views.BatchOutcome;
import io.interlock.contract.views.StepView;
import io.interlock.contract.views.TaskView;
import io.interlock.worker.api.ApiException;
import io.interlock.worker.api.ApiModels.BatchRequest;
import io.interlock.worker.api.ApiModels.BatchResult;
import io.interlock.worker.api.ApiModels.BatchStep;
import io.interlock.worker.auth.Caller;
import io.interlock.worker.proof.ApiIssuer;
import io.interlock.worker.temporal.ClientsByIdentity;
import io.interlock.workflows.AgentTask;
import io.interlock.workflows.proof.BatchStatement;
import io.temporal.client.WorkflowUpdateException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Batch approval through the API: builds the one statement over the chosen steps, has it signed
 * (the API as issuer, or the caller's own proof relayed), and sends it unchanged to every task it
 * lists. Whether an entry counts is each task's decision alone.
 */
@ApplicationScoped
public class BatchService {
  private final TaskService tasks;
  private final ClientsByIdentity clients;
  private final ApiIssuer issuer;

  public BatchService(TaskService tasks, ClientsByIdentity clients, ApiIssuer issuer) {
    this.tasks = tasks;
    this.clients = clients;
    this.issuer = issuer;
  }

  public BatchResult decide(Caller caller, BatchRequest body) {
    if (caller.isAgent()) {
      throw ApiException.forbidden(
          "agents cannot approve: '" + caller.user() + "' is an agent identity",
          "agents propose; only people named by the policy approve or reject",
          "a human approver signs in with their own token");
    }
    List<BatchStep> steps = checked(body);
    boolean approve = body.decision() == null || body.decision().equals("approve");
    Map<String, TaskView> views = new LinkedHashMap<>();
    Instant notAfter = null;
    for (BatchStep s : steps) {
      TaskView view = views.computeIfAbsent(s.taskId(), id -> tasks.status(caller, id));
      StepView step =
          view.steps().stream()
              .filter(v -> v.stepId().equals(s.stepId()))
              .findFirst()
              .orElseThrow(
                  () ->
                      ApiException.notFound(
                          "task "
                              + s.taskId()
                              + " has no step '"
                              + CallerText.shown(s.stepId())
                              + "'",
                          "a batch names existing steps waiting for approval",
                          "GET /api/approvals lists them with their callHash; nothing was sent"));
      if (step.deadline() != null) {
        Instant d = Instant.parse(step.deadline());
        notAfter = notAfter == null || d.isBefore(notAfter) ? d : notAfter;
      }
    }
    ApiIssuer.Window w =
        body.proof() == null
            ? ApiIssuer.window(Instant.now(), notAfter)
            : new ApiIssuer.Window(body.proof().issuedAt(), body.proof().expiresAt());
    List<BatchStatement.Entry> entries = new ArrayList<>();
    for (BatchStep s : steps) {
      entries.add(
          new BatchStatement.Entry(views.get(s.taskId()).taskRunId(), s.stepId(), s.callHash()));
    }
    BatchStatement statement =
        new BatchStatement(
            caller.user(),
            approve ? "approve" : "reject",
            body.comment(),
            w.issuedAt(),
            w.expiresAt(),
            entries);
    String malformed = statement.problem();
    if (malformed != null) {
      throw ApiException.badRequest(
          "batch refused", malformed, "fix the request; nothing was sent to any task");
    }
    ApprovalProof proof = body.proof() == null ? issuer.sign(statement.statement()) : body.proof();
    BatchDecision decision = new BatchDecision(statement, proof);
    Map<String, BatchOutcome> byStep = new HashMap<>();
    for (String taskId : views.keySet()) {
      for (BatchOutcome o : send(caller, taskId, decision, steps)) {
        byStep.put(taskId + "/" + o.stepId(), o);
      }
    }
    List<BatchOutcome> outcomes = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      BatchStep s = steps.get(i);
      outcomes.add(
          byStep.getOrDefault(
              s.taskId() + "/" + s.stepId(),
              new BatchOutcome(
                  s.taskId(),
                  i,
                  s.stepId(),
                  s.callHash(),
                  false,
                  "no answer from the task",
                  null)));
    }
    return new BatchResult(statement.digest(), statement, outcomes);
  }

  /** The task's answer for its own entries; a refusal of the whole batch refuses each of them. */
  private List<BatchOutcome> send(
      Caller caller, String taskId, BatchDecision decision, List<BatchStep> steps) {
    AgentTask stub = clients.of(caller.user()).newWorkflowStub(AgentTask.class, taskId);
    try {
      BatchAnswer answer = stub.decideBatch(decision);
      return answer.outcomes().stream()
          .map(
              o ->
                  new BatchOutcome(
                      taskId,
                      o.entry(),
                      o.stepId(),
                      o.callHash(),
                      o.accepted(),
                      o.why(),
                      o.state()))
          .toList();
    } catch (WorkflowUpdateException e) {
      String why = TaskService.reason(e);
      List<BatchOutcome> refused = new ArrayList<>();
      for (int i = 0; i < steps.size(); i++) {
        BatchStep s = steps.get(i);
        if (s.taskId().equals(taskId)) {
          refused.add(new BatchOutcome(taskId, i, s.stepId(), s.callHash(), false, why, null));
        }
      }
      return refused;
    } catch (RuntimeException e) {
      throw TaskService.notFound(e) ? tasks.ended(caller, taskId) : e;
    }
  }

  /** The request's shape: a decision, 1..100 distinct steps each with a callHash. */
  private static List<BatchStep> checked(BatchRequest body) {
    if (body == null || body.steps() == null || body.steps().isEmpty()) {
      throw ApiException.badRequest(
          "steps are required",
          "a batch names each exact call it decides: {taskId, stepId, callHash}",
          "send {\"steps\":[{\"taskId\":\"...\",\"stepId\":\"s1\",\"callHash\":\"sha256:...\"}]}"
              + " (GET /api/approvals lists them)");
    }
    if (body.steps().size() > BatchStatement.MAX_ENTRIES) {
      throw ApiException.badRequest(
          "too many steps",
          "a batch holds at most "
              + BatchStatement.MAX_ENTRIES
              + " steps, this one "
              + body.steps().size(),
          "split it into smaller batches; nothing was sent");
    }
    if (body.decision() != null
        && !body.decision().equals("approve")
        && !body.decision().equals("reject")) {
      throw ApiException.badRequest(
          "decision must be approve or reject",
          "got '" + CallerText.shown(body.decision()) + "'",
          "leave it out to approve");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < body.steps().size(); i++) {
      BatchStep s = body.steps().get(i);
      if (s == null || blank(s.taskId()) || blank(s.stepId()) || blank(s.callHash())) {
        throw ApiException.badRequest(
            "step " + i + " needs taskId, stepId and callHash",
            "each entry binds one exact call by its hash",
            "copy them from GET /api/approvals; nothing was sent");
      }
      if (!seen.add(s.taskId() + "/" + s.stepId())) {
        throw ApiException.badRequest(
            "step " + i + " is listed twice",
            CallerText.shown(s.taskId()) + "/" + CallerText.shown(s.stepId()) + " appears again",
            "list each step once; nothing was sent");
      }
    }
    return body.steps();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
