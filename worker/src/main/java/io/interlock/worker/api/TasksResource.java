package io.interlock.worker.api;

import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.CallerText;
import io.interlock.contract.views.StepView;
import io.interlock.contract.views.TaskView;
import io.interlock.worker.api.ApiModels.Approve;
import io.interlock.worker.api.ApiModels.Reject;
import io.interlock.worker.api.ApiModels.StartTask;
import io.interlock.worker.api.ApiModels.TaskSummary;
import io.interlock.worker.audit.AuditReport;
import io.interlock.worker.audit.AuditService;
import io.interlock.worker.auth.CurrentCaller;
import io.interlock.worker.mcp.McpConfig;
import io.interlock.worker.tasks.StepWatch;
import io.interlock.worker.tasks.TaskService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Tasks: start, list, read, propose steps, approve or reject them, finish, audit. */
@Path("/api/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TasksResource {
  private final TaskService tasks;
  private final StepWatch steps;
  private final AuditService audit;
  private final CurrentCaller caller;
  private final int maxWaitSeconds;

  public TasksResource(
      TaskService tasks,
      StepWatch steps,
      AuditService audit,
      CurrentCaller caller,
      McpConfig waits) {
    this.tasks = tasks;
    this.steps = steps;
    this.audit = audit;
    this.caller = caller;
    this.maxWaitSeconds = waits.maxWaitSeconds();
  }

  @POST
  @Operation(summary = "Start a task; the requester is the authenticated caller")
  public Response start(StartTask body) {
    TaskView view = tasks.start(caller.get(), body);
    return Response.created(URI.create("/api/tasks/" + view.taskId())).entity(view).build();
  }

  @GET
  @Operation(
      summary =
          "Tasks this worker knows of that the caller may read, most recent first, with live state and pending steps")
  public List<TaskSummary> list(@QueryParam("limit") @DefaultValue("200") int limit) {
    return tasks.list(caller.get(), Math.max(1, Math.min(limit, 10_000)));
  }

  @GET
  @Path("/{id}")
  @Operation(
      summary =
          "The task (the workflow's status query); 404 unless the caller is its requester, an approver of its environment or a reviewer")
  public TaskView get(@PathParam("id") String id) {
    return tasks.status(caller.get(), id);
  }

  @POST
  @Path("/{id}/steps")
  @Operation(
      summary =
          "Propose a step (requester only); a READ returns its result, a WRITE returns awaiting approval")
  public StepView propose(@PathParam("id") String id, ToolCall call) {
    return tasks.propose(caller.get(), id, call);
  }

  @GET
  @Path("/{id}/steps/{stepId}")
  @Operation(
      summary =
          "One step; with waitSeconds=N, answered once the step is final (VERIFIED, FAILED, REJECTED, ...) or after N seconds, whichever comes first")
  public StepView step(
      @PathParam("id") String id,
      @PathParam("stepId") String stepId,
      @QueryParam("waitSeconds") @DefaultValue("0") int waitSeconds) {
    if (waitSeconds < 0 || waitSeconds > maxWaitSeconds) {
      throw ApiException.badRequest(
          "waitSeconds must be between 0 and " + maxWaitSeconds,
          "a wait holds the request open at most interlock.mcp.max-wait-seconds; got "
              + waitSeconds,
          "ask again after a wait ends; its answer's state says whether the step is final");
    }
    return steps.await(caller.get(), id, stepId, Duration.ofSeconds(waitSeconds));
  }

  @POST
  @Path("/{id}/steps/{stepId}/approve")
  @Operation(
      summary =
          "Approve a step as the authenticated caller (decide update); refusals answer 409 with why")
  public StepView approve(
      @PathParam("id") String id, @PathParam("stepId") String stepId, Approve body) {
    return tasks.approve(caller.get(), id, stepId, body);
  }

  @POST
  @Path("/{id}/steps/{stepId}/reject")
  @Operation(summary = "Reject a step with a reason (decide update)")
  public StepView reject(
      @PathParam("id") String id, @PathParam("stepId") String stepId, Reject body) {
    return tasks.reject(caller.get(), id, stepId, body);
  }

  @POST
  @Path("/{id}/finish")
  @Consumes(MediaType.WILDCARD)
  @Operation(
      summary = "The requester is done proposing; the task completes once nothing is pending")
  public Response finish(@PathParam("id") String id) {
    tasks.finish(caller.get(), id);
    return Response.accepted().build();
  }

  @GET
  @Path("/{id}/history")
  @Operation(
      summary =
          "The raw workflow history (same JSON as 'temporal workflow show --output json'); run=N picks a run, oldest is 1, default the latest")
  public Response history(
      @PathParam("id") String id, @QueryParam("run") @DefaultValue("0") int run) {
    var runs = audit.runs(caller.get(), id);
    if (run < 0 || run > runs.size()) {
      throw ApiException.badRequest(
          "run must be between 1 and " + runs.size(),
          "task "
              + id
              + " has "
              + runs.size()
              + " run(s) (continue-as-new starts another); got "
              + run,
          "leave run out for the latest");
    }
    var h = runs.get(run == 0 ? runs.size() - 1 : run - 1);
    return Response.ok(h.toJson(true), MediaType.APPLICATION_JSON)
        .header("X-Interlock-Runs", runs.size())
        .build();
  }

  @GET
  @Path("/{id}/audit")
  @Produces({MediaType.APPLICATION_JSON, "text/markdown"})
  @Operation(
      summary = "The hash-chained audit report, built from the task's workflow history (all runs)")
  public Response audit(
      @PathParam("id") String id, @QueryParam("format") @DefaultValue("json") String format) {
    AuditReport report = audit.report(caller.get(), id);
    return switch (format) {
      case "json" -> Response.ok(audit.json(report), MediaType.APPLICATION_JSON).build();
      case "md", "markdown" ->
          Response.ok(audit.markdown(report), "text/markdown; charset=utf-8").build();
      default ->
          throw ApiException.badRequest(
              "format must be json or md",
              "'" + CallerText.shown(format) + "' is neither",
              "GET /api/tasks/" + id + "/audit?format=md");
    };
  }
}
