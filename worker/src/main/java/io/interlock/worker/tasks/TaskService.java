package io.interlock.worker.tasks;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.interlock.contract.commands.Decision;
import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.CallerText;
import io.interlock.contract.values.PendingApproval;
import io.interlock.contract.values.TaskState;
import io.interlock.contract.views.StepView;
import io.interlock.contract.views.TaskHeader;
import io.interlock.contract.views.TaskView;
import io.interlock.worker.api.ApiError;
import io.interlock.worker.api.ApiException;
import io.interlock.worker.api.ApiModels.Approve;
import io.interlock.worker.api.ApiModels.Reject;
import io.interlock.worker.api.ApiModels.StartTask;
import io.interlock.worker.api.ApiModels.TaskSummary;
import io.interlock.worker.auth.Caller;
import io.interlock.worker.environments.PolicyView;
import io.interlock.worker.inbox.PendingIndex;
import io.interlock.worker.proof.ApiIssuer;
import io.interlock.worker.temporal.ClientsByIdentity;
import io.interlock.workflows.AgentTask;
import io.interlock.workflows.TaskRequests;
import io.interlock.workflows.TaskSearchAttributes;
import io.interlock.workflows.proof.Statement;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.ApplicationFailure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Tasks through the API: start, read, propose, decide, finish. It passes the authenticated identity
 * and nothing else; whether an approval counts is the workflow's decision alone.
 */
@ApplicationScoped
public class TaskService {
  private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Set<WorkflowExecutionStatus> ENDED_FROM_OUTSIDE =
      EnumSet.of(
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);

  private final WorkflowClient client;
  private final ClientsByIdentity clients;
  private final TaskIndex index;
  private final PendingIndex pending;
  private final PolicyView policy;
  private final ApiIssuer issuer;
  private final TaskReaders readers;
  private final TaskHeaders headers = new TaskHeaders(10_000);

  public TaskService(
      WorkflowClient client,
      ClientsByIdentity clients,
      TaskIndex index,
      PendingIndex pending,
      PolicyView policy,
      ApiIssuer issuer,
      TaskReaders readers) {
    this.client = client;
    this.clients = clients;
    this.index = index;
    this.pending = pending;
    this.policy = policy;
    this.issuer = issuer;
    this.readers = readers;
  }

  public TaskView start(Caller caller, StartTask body) {
    if (body == null || body.environment() == null || body.environment().isBlank()) {
      throw ApiException.badRequest(
          "environment is required",
          "a task runs under one environment's policy, cluster and approvers",
          "send {\"environment\":\"staging\",\"goal\":\"...\"}; environments: "
              + policy.environmentNames());
    }
    if (!policy.environmentNames().contains(body.environment())) {
      throw new ApiException(
          jakarta.ws.rs.core.Response.Status.BAD_REQUEST,
          new io.interlock.worker.api.ApiError(
              "unknown environment",
              "'" + CallerText.shown(body.environment()) + "' is not an environment of the policy",
              null,
              CallerText.shown(body.environment()),
              "use one of " + policy.environmentNames()));
    }
    String taskId =
        body.taskId() == null || body.taskId().isBlank()
            ? "task-" + UUID.randomUUID()
            : body.taskId();
    if (!TASK_ID.matcher(taskId).matches()) {
      throw ApiException.badRequest(
          "taskId must be 1-128 letters, digits, '.', '_' or '-'",
          "'"
              + CallerText.shown(taskId)
              + "' is not: a task id names the workflow and appears in URLs",
          "leave taskId out to get task-<uuid>");
    }
    String problem =
        TaskRequests.problem(
            new TaskRequest(
                caller.user(),
                body.environment(),
                body.goal(),
                body.steps(),
                body.approvalTimeoutSeconds(),
                body.finishWhenDone(),
                null,
                null,
                null));
    if (problem != null) {
      throw ApiException.badRequest(
          "invalid task: " + problem,
          problem,
          "fix that field and send the task again; nothing was started");
    }
    // The API attests who asked: a JWS over the request statement, bound to this workflow id.
    ApiIssuer.Window w = ApiIssuer.window(Instant.now(), null);
    ApprovalProof attested =
        issuer.sign(
            Statement.request(
                taskId, caller.user(), body.environment(), w.issuedAt(), w.expiresAt()));
    TaskRequest request =
        new TaskRequest(
            caller.user(),
            body.environment(),
            body.goal(),
            body.steps(),
            body.approvalTimeoutSeconds(),
            body.finishWhenDone(),
            null,
            null,
            attested);
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(taskId)
            .setTaskQueue(AgentTask.TASK_QUEUE)
            // A task id names one task for good: a finished one is never silently restarted.
            .setWorkflowIdReusePolicy(
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
            // Indexed from its start: listable at once, and its run has nothing to upsert.
            .setTypedSearchAttributes(
                TaskSearchAttributes.atStart(body.environment(), caller.user()))
            .build();
    AgentTask task = clients.of(caller.user()).newWorkflowStub(AgentTask.class, options);
    TaskView opened;
    try {
      opened = TaskOpening.open(task, request, TaskOpening.ANSWER_WAIT);
    } catch (TaskOpening.Taken e) {
      throw taskExists(taskId);
    } catch (TaskOpening.Refused e) {
      throw ApiException.unavailable(
          "the Temporal server refused to start the task",
          "it answered: " + e.getMessage(),
          "nothing started; if it names a search attribute, register Interlock's four"
              + " (the worker does at start-up unless interlock.temporal.register-search-attributes"
              + " is false; README: Against a real Temporal server)");
    }
    String runId = startedRun(task, taskId);
    // A new chain: its first run is this one, and its header is what this API just started it
    // with, so the task's first commands need neither a describe nor a header query.
    headers.put(new TaskHeader(taskId, caller.user(), body.environment(), runId), runId);
    index.started(taskId, caller.user(), body.environment(), body.goal());
    if (opened != null) {
      return opened;
    }
    try {
      return query(taskId);
    } catch (WorkflowQueryException | WorkflowServiceException e) {
      // The task started; a busy server only delayed its first answer. GET /api/tasks/{id} shows
      // the steps.
      return new TaskView(
          taskId,
          caller.user(),
          body.environment(),
          body.goal(),
          TaskState.RUNNING,
          null,
          false,
          List.of(),
          null,
          null);
    }
  }

  /**
   * The run the start made: the stub knows it once the server answered the start; a start whose
   * answer timed out is looked up (a start that never happened is a 503: nothing runs).
   */
  private String startedRun(AgentTask task, String taskId) {
    WorkflowExecution run = WorkflowStub.fromTyped(task).getExecution();
    if (run != null && !run.getRunId().isEmpty()) {
      return run.getRunId();
    }
    try {
      return describe(taskId).getExecution().getRunId();
    } catch (ApiException e) {
      throw ApiException.unavailable(
          "the task did not start",
          "the Temporal server did not start task "
              + taskId
              + " within "
              + TaskOpening.ANSWER_WAIT.toSeconds()
              + " s",
          "send the same request again (the id is still free); if it keeps failing, check the"
              + " Temporal server and the workers");
    }
  }

  private static ApiException taskExists(String taskId) {
    return ApiException.conflict(
        "task " + taskId + " already exists",
        "a task id names one task for good: a finished one is never started again",
        "leave taskId out to get a fresh one");
  }

  /**
   * The task, for a caller who may read it; anyone else gets the unknown-task 404. A task ended
   * from outside (terminated, timed out, cancelled) answers 410 saying so: its last status would
   * still claim it waits for approvals that can never run.
   */
  public TaskView status(Caller caller, String taskId) {
    return status(caller, taskId, describe(taskId));
  }

  /** {@link #status(Caller, String)} for a run the caller has just described. */
  TaskView status(Caller caller, String taskId, WorkflowExecutionInfo run) {
    if (ENDED_FROM_OUTSIDE.contains(run.getStatus())) {
      throw ended(caller, taskId, run.getExecution().getRunId());
    }
    TaskView view = query(taskId);
    readers.require(caller, taskId, view.requester(), view.environment());
    return view;
  }

  /**
   * Sends a command to the task's current run, for a caller who may read the task: {@code send}
   * gets the task's header and a stub bound to that run. The run the API last saw is used without
   * asking the server. If it has ended (continued as new, or the task closed) the server refuses
   * the update without delivering it (a run ends only once every handler has finished), and the
   * command goes once to the run the server names current.
   */
  private <T> T toCurrentRun(
      Caller caller, String taskId, BiFunction<TaskHeader, AgentTask, T> send) {
    TaskHeaders.Known known = headers.known(taskId);
    if (known != null) {
      readers.require(caller, taskId, known.header().requester(), known.header().environment());
      try {
        return send.apply(known.header(), runStub(caller, taskId, known.runId()));
      } catch (RuntimeException e) {
        if (!notFound(e)) {
          throw e;
        }
        headers.runEnded(taskId);
      }
    }
    TaskHeaders.Known current = current(taskId);
    readers.require(caller, taskId, current.header().requester(), current.header().environment());
    try {
      return send.apply(current.header(), runStub(caller, taskId, current.runId()));
    } catch (RuntimeException e) {
      throw notFound(e) ? ended(caller, taskId) : e;
    }
  }

  /**
   * The task's current run and its header, asked of the task itself in constant size (once per
   * chain, see {@link TaskHeaders}). A task ended from outside still answers; the command it was
   * read for then gets the 410.
   */
  private TaskHeaders.Known current(String taskId) {
    // A describe never reaches the worker; it confirms the id still names the chain read before.
    WorkflowExecutionInfo run = describe(taskId);
    String firstRunId = run.getFirstRunId();
    TaskHeader h = headers.get(taskId, firstRunId);
    if (h == null) {
      h = query(taskId, AgentTask::header);
    }
    // Cached only when the header is of the chain just described (not one that replaced it since).
    if (h.taskRunId() != null && h.taskRunId().equals(firstRunId)) {
      headers.put(h, run.getExecution().getRunId());
    }
    return new TaskHeaders.Known(h, run.getExecution().getRunId());
  }

  private AgentTask runStub(Caller caller, String taskId, String runId) {
    return clients.of(caller.user()).newWorkflowStub(AgentTask.class, taskId, Optional.of(runId));
  }

  /** The task's latest run as the server has it; never reaches the worker. */
  WorkflowExecutionInfo describe(String taskId) {
    try {
      return client.newUntypedWorkflowStub(taskId).describe().getWorkflowExecutionInfo();
    } catch (RuntimeException e) {
      if (notFound(e)) {
        throw unknownTask(taskId);
      }
      throw e;
    }
  }

  /**
   * The 410 for a task that has ended (the unknown-task 404 first, for a caller who may not read
   * it).
   */
  private ApiException ended(Caller caller, String taskId, String runId) {
    WorkflowExecutionHistory run = client.fetchHistory(taskId, runId);
    TaskParties parties = TaskParties.of(run);
    readers.require(caller, taskId, parties.requester(), parties.environment());
    // Nothing in it can be approved any more, so the inbox stops offering it.
    pending.removeTask(taskId);
    return TaskEnding.of(taskId, run).gone();
  }

  /** For a command that found the task closed: it ended after it was read. */
  ApiException ended(Caller caller, String taskId) {
    return ended(caller, taskId, describe(taskId).getExecution().getRunId());
  }

  private TaskView query(String taskId) {
    return query(taskId, AgentTask::status);
  }

  /** A query of the task; an unknown task is the 404 whichever query asked. */
  private <T> T query(String taskId, Function<AgentTask, T> query) {
    try {
      return query.apply(client.newWorkflowStub(AgentTask.class, taskId));
    } catch (WorkflowNotFoundException e) {
      throw unknownTask(taskId);
    } catch (WorkflowQueryException | WorkflowServiceException e) {
      if (notFound(e)) {
        throw unknownTask(taskId);
      }
      throw e;
    }
  }

  /** Recently known tasks the caller may read, with their live state; at most {@code limit}. */
  public List<TaskSummary> list(Caller caller, int limit) {
    TaskReaders.ReadScope scope = readers.scopeOf(caller);
    return index.recent(limit, k -> scope.covers(k.requester(), k.environment())).stream()
        .map(this::summary)
        .toList();
  }

  private TaskSummary summary(TaskIndex.Known k) {
    List<String> steps = pending.forTask(k.taskId()).stream().map(PendingApproval::stepId).toList();
    return new TaskSummary(
        k.taskId(), k.requester(), k.environment(), k.goal(), stateOf(k.taskId(), steps), steps);
  }

  /**
   * Pending steps say AWAITING_APPROVAL at once; otherwise one describe call (no query, no replay).
   */
  private String stateOf(String taskId, List<String> pendingSteps) {
    if (!pendingSteps.isEmpty()) {
      return "AWAITING_APPROVAL";
    }
    try {
      WorkflowExecutionDescription d = client.newUntypedWorkflowStub(taskId).describe();
      WorkflowExecutionStatus s = d.getWorkflowExecutionInfo().getStatus();
      if (s == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        String state = d.getTypedSearchAttributes().get(TaskSearchAttributes.TASK_STATE);
        return state == null ? "RUNNING" : state;
      }
      return s == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED
          ? Optional.ofNullable(d.getTypedSearchAttributes().get(TaskSearchAttributes.TASK_STATE))
              .orElse("COMPLETED")
          : s.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
    } catch (RuntimeException e) {
      return "UNKNOWN";
    }
  }

  public StepView propose(Caller caller, String taskId, ToolCall call) {
    return toCurrentRun(caller, taskId, (task, stub) -> propose(caller, taskId, call, task, stub));
  }

  private StepView propose(
      Caller caller, String taskId, ToolCall call, TaskHeader task, AgentTask stub) {
    if (!task.requester().equals(caller.user())) {
      // Anyone else proposing could then approve their own step under the agent's name.
      throw ApiException.forbidden(
          "only the task's requester (" + task.requester() + ") may propose steps",
          "anyone else proposing could then approve their own step under the requester's name",
          "start your own task with POST /api/tasks");
    }
    if (call == null || call.tool() == null || call.tool().isBlank()) {
      throw ApiException.badRequest(
          "tool is required",
          "a step is one call of a catalog tool: {tool, args}",
          "send {\"tool\":\"k8s.get\",\"args\":{...}}; see GET /api/catalog");
    }
    String tooLarge = TaskRequests.tooLarge(call);
    if (tooLarge != null) {
      // Refused here, by the workflow's own rule, so an oversized call never travels to the server
      // at all.
      throw new ApiException(
          Response.Status.BAD_REQUEST,
          new ApiError(
              "call too large", tooLarge, null, null, "nothing was proposed; the task goes on"));
    }
    try {
      return stub.propose(call);
    } catch (WorkflowUpdateException e) {
      throw ApiException.conflict(
          "the task refused the step", reason(e), "read the reason; GET /api/tasks/" + taskId);
    }
  }

  public StepView approve(Caller caller, String taskId, String stepId, Approve body) {
    if (caller.isAgent()) {
      throw ApiException.forbidden(
          "agents cannot approve: '" + caller.user() + "' is an agent identity",
          "agents propose; only people named by the policy approve",
          "a human approver signs in with their own token");
    }
    if (body == null || body.callHash() == null || body.callHash().isBlank()) {
      throw ApiException.badRequest(
          "callHash is required",
          "an approval names the exact call it approves, by its hash",
          "copy the step's callHash from GET /api/tasks/"
              + taskId
              + " so the approval names the exact call");
    }
    return decide(
        caller,
        taskId,
        new Decision(
            stepId,
            body.callHash(),
            caller.user(),
            true,
            body.comment(),
            body.breakGlass(),
            body.proof()));
  }

  public StepView reject(Caller caller, String taskId, String stepId, Reject body) {
    if (body == null || body.reason() == null || body.reason().isBlank()) {
      throw ApiException.badRequest(
          "reason is required",
          "a rejection tells the requester and the audit why",
          "send {\"callHash\":\"sha256:...\",\"reason\":\"why not\"}");
    }
    if (body.callHash() == null || body.callHash().isBlank()) {
      throw ApiException.badRequest(
          "callHash is required",
          "a rejection names the exact call it rejects, by its hash",
          "copy the step's callHash from GET /api/tasks/" + taskId);
    }
    return decide(
        caller,
        taskId,
        new Decision(
            stepId, body.callHash(), caller.user(), false, body.reason(), null, body.proof()));
  }

  private StepView decide(Caller caller, String taskId, Decision asked) {
    return toCurrentRun(
        caller, taskId, (header, stub) -> decide(caller, taskId, asked, header, stub));
  }

  private StepView decide(
      Caller caller, String taskId, Decision asked, TaskHeader header, AgentTask stub) {
    // A step the inbox lists as waiting exists and has its deadline there; any other is looked up.
    String deadline =
        pending.forTask(taskId).stream()
            .filter(p -> p.stepId().equals(asked.stepId()))
            .findFirst()
            .map(PendingApproval::deadline)
            .orElseGet(() -> deadlineOf(status(caller, taskId), taskId, asked.stepId()));
    Decision decision = asked.proof() == null ? attest(header.taskRunId(), deadline, asked) : asked;
    try {
      return stub.decide(decision);
    } catch (WorkflowUpdateException e) {
      String verb = decision.approve() ? "approval" : "rejection";
      throw ApiException.conflict(
          verb + " refused", reason(e), "read 'why'; the refusal is recorded in the task's audit");
    }
  }

  /**
   * Signs the caller's decision as the API issuer, valid for minutes and never past the step's
   * deadline.
   */
  private Decision attest(String taskRunId, String deadline, Decision d) {
    ApiIssuer.Window w =
        ApiIssuer.window(Instant.now(), deadline == null ? null : Instant.parse(deadline));
    Statement statement =
        Statement.decision(
            taskRunId,
            d.stepId(),
            d.callHash(),
            d.approver(),
            d.approve(),
            d.comment(),
            d.approve() ? d.breakGlass() : null,
            w.issuedAt(),
            w.expiresAt());
    return new Decision(
        d.stepId(),
        d.callHash(),
        d.approver(),
        d.approve(),
        d.comment(),
        d.breakGlass(),
        issuer.sign(statement));
  }

  /** The step's deadline (null while it has none); 404 for a step the task does not have. */
  private static String deadlineOf(TaskView task, String taskId, String stepId) {
    return task.steps().stream()
        .filter(s -> s.stepId().equals(stepId))
        .findFirst()
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "task " + taskId + " has no step '" + CallerText.shown(stepId) + "'",
                    "its steps are "
                        + task.steps().stream().map(StepView::stepId).limit(20).toList(),
                    "decide one of them; GET /api/tasks/"
                        + taskId
                        + " shows each with its callHash"))
        .deadline();
  }

  public void finish(Caller caller, String taskId) {
    TaskView task = status(caller, taskId);
    if (!task.requester().equals(caller.user())) {
      throw ApiException.forbidden(
          "only the task's requester (" + task.requester() + ") may finish it",
          "whoever asked for the task says when it is done",
          "ask them to finish it; your own tasks are in GET /api/tasks");
    }
    try {
      clients.of(caller.user()).newUntypedWorkflowStub(taskId).signal("finish");
    } catch (RuntimeException e) {
      throw notFound(e) ? ended(caller, taskId) : e;
    }
  }

  static String reason(WorkflowUpdateException e) {
    Throwable c = e.getCause();
    if (c instanceof ApplicationFailure af) {
      return af.getOriginalMessage();
    }
    return c == null ? e.getMessage() : c.getMessage();
  }

  static boolean notFound(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof WorkflowNotFoundException) {
        return true;
      }
      if (t instanceof StatusRuntimeException s
          && s.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return true;
      }
    }
    return false;
  }

  private static ApiException unknownTask(String taskId) {
    return TaskReaders.unknownTask(taskId);
  }

  /** The stub a read-only caller uses (queries need no identity). */
  WorkflowStub untyped(String taskId) {
    return client.newUntypedWorkflowStub(taskId);
  }
}
