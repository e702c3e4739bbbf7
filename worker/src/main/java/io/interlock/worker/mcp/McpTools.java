package io.interlock.worker.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.CallerText;
import io.interlock.contract.values.Effect;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.contract.values.StepState;
import io.interlock.contract.values.TaskState;
import io.interlock.contract.values.ToolSpec;
import io.interlock.contract.views.StepView;
import io.interlock.contract.views.TaskView;
import io.interlock.worker.api.ApiException;
import io.interlock.worker.api.ApiModels.StartTask;
import io.interlock.worker.auth.Caller;
import io.interlock.worker.tasks.StepWatch;
import io.interlock.worker.tasks.TaskService;
import io.interlock.worker.temporal.WorkerBootstrap;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The MCP tools: every catalog tool (schema and hints from the registry) plus {@code task_status}
 * and {@code wait_for_step}. A catalog call is proposed in the session's task, never run here: a
 * READ comes back with its result, a WRITE with its pending approval. There is no approve tool.
 */
@ApplicationScoped
public class McpTools {
  static final String TASK_STATUS = "task_status";
  static final String WAIT_FOR_STEP = "wait_for_step";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final WorkerBootstrap workers;
  private final TaskService tasks;
  private final StepWatch steps;
  private final ObjectMapper mapper;
  private final McpConfig config;

  public McpTools(
      WorkerBootstrap workers,
      TaskService tasks,
      StepWatch steps,
      ObjectMapper mapper,
      McpConfig config) {
    this.workers = workers;
    this.tasks = tasks;
    this.steps = steps;
    this.mapper = mapper;
    this.config = config;
  }

  /**
   * The MCP name of a catalog tool: dots become underscores ({@code k8s.scale} -> {@code
   * k8s_scale}), because several model APIs accept only {@code [A-Za-z0-9_-]} in tool names.
   */
  static String mcpName(String catalogName) {
    return catalogName.replace('.', '_');
  }

  /** MCP name (and, leniently, the catalog name itself) to the registry entry. */
  Map<String, ToolSpec> byName() {
    Map<String, ToolSpec> out = new LinkedHashMap<>();
    for (ToolSpec s : workers.registry().catalog()) {
      if (out.put(mcpName(s.name()), s) != null) {
        throw new IllegalStateException(
            "two catalog tools map to the MCP name " + mcpName(s.name()));
      }
    }
    return out;
  }

  Optional<ToolSpec> find(String name) {
    if (name == null) {
      return Optional.empty();
    }
    Map<String, ToolSpec> all = byName();
    return Optional.ofNullable(all.containsKey(name) ? all.get(name) : all.get(mcpName(name)));
  }

  ObjectNode list() {
    ArrayNode tools = JSON.arrayNode();
    for (Map.Entry<String, ToolSpec> e : byName().entrySet()) {
      tools.add(definition(e.getKey(), e.getValue()));
    }
    tools.add(
        extra(
            TASK_STATUS,
            "Task status",
            "The whole task (every step with its state, call hash, policy decision, approvals, verification). "
                + "taskId defaults to this session's task.",
            schema(
                Map.of("taskId", prop("string", "task id; default: this session's task")), null)));
    tools.add(
        extra(
            WAIT_FOR_STEP,
            "Wait for a step",
            "Waits until a step stops waiting or running (approved and verified, rejected, expired, blocked, failed) "
                + "or until timeoutSeconds pass (at most "
                + config.maxWaitSeconds()
                + "), then returns the step.",
            schema(
                Map.of(
                    "taskId", prop("string", "task id; default: this session's task"),
                    "stepId", prop("string", "the step, for example s2"),
                    "timeoutSeconds",
                        prop(
                            "integer",
                            "how long to wait, 1-" + config.maxWaitSeconds() + "; default 30")),
                "stepId")));
    ObjectNode result = JSON.objectNode();
    result.set("tools", tools);
    return result;
  }

  private static ObjectNode definition(String name, ToolSpec spec) {
    boolean read = spec.effect() == Effect.READ;
    String title = spec.name() + (read ? " (read)" : " (write: waits for human approval)");
    String description =
        spec.description()
            + (read
                ? "\n\nREAD: runs at once in your task and returns its result."
                : "\n\nWRITE: calling this never executes it. Interlock proposes the call in your task, previews it "
                    + "(server-side dry-run and diff), checks policy and returns the pending approval: taskId, stepId, "
                    + "callHash, diff, policy decision, deadline and a link for the approvers. Only after a human approves "
                    + "that exact call does the engine run and verify it ("
                    + spec.verification()
                    + "). Follow up with "
                    + WAIT_FOR_STEP
                    + ".");
    ObjectNode t =
        JSON.objectNode().put("name", name).put("title", title).put("description", description);
    JsonNode schema =
        spec.argsSchema() == null ? JSON.objectNode().put("type", "object") : spec.argsSchema();
    t.set("inputSchema", schema);
    ObjectNode a = t.putObject("annotations");
    a.put("title", title);
    a.put("readOnlyHint", read);
    a.put("destructiveHint", !read && spec.destructive());
    a.put("idempotentHint", read || spec.idempotent());
    a.put("openWorldHint", true);
    return t;
  }

  private static ObjectNode extra(
      String name, String title, String description, ObjectNode schema) {
    ObjectNode t =
        JSON.objectNode().put("name", name).put("title", title).put("description", description);
    t.set("inputSchema", schema);
    t.putObject("annotations")
        .put("title", title)
        .put("readOnlyHint", true)
        .put("destructiveHint", false)
        .put("idempotentHint", true)
        .put("openWorldHint", false);
    return t;
  }

  private static ObjectNode schema(Map<String, ObjectNode> props, String required) {
    ObjectNode s = JSON.objectNode().put("type", "object");
    ObjectNode p = s.putObject("properties");
    new java.util.TreeMap<>(props).forEach(p::set);
    if (required != null) {
      s.putArray("required").add(required);
    }
    s.put("additionalProperties", false);
    return s;
  }

  private static ObjectNode prop(String type, String description) {
    return JSON.objectNode().put("type", type).put("description", description);
  }

  /** tools/call. Returns the CallToolResult; throws {@link McpError} for protocol errors only. */
  ObjectNode call(
      McpSession session, Caller caller, String name, JsonNode arguments, String baseUrl) {
    JsonNode args = arguments == null || arguments.isNull() ? JSON.objectNode() : arguments;
    if (!args.isObject()) {
      throw McpError.invalidParams("arguments must be a JSON object");
    }
    try {
      if (TASK_STATUS.equals(name)) {
        return taskStatus(session, caller, args);
      }
      if (WAIT_FOR_STEP.equals(name)) {
        return waitForStep(session, caller, args);
      }
      ToolSpec spec =
          find(name)
              .orElseThrow(
                  () ->
                      McpError.invalidParams(
                          "unknown tool '"
                              + CallerText.shown(name)
                              + "'; tools/list names every tool"));
      return propose(session, caller, spec, args, baseUrl);
    } catch (ApiException e) {
      // What the engine refused is a tool result the model should read, not a protocol failure.
      ObjectNode body = mapper.valueToTree(e.body());
      body.put("status", e.status().getStatusCode());
      return result(
          body, true, e.body().error() + (e.body().why() == null ? "" : ": " + e.body().why()));
    }
  }

  private ObjectNode propose(
      McpSession session, Caller caller, ToolSpec spec, JsonNode args, String baseUrl) {
    @SuppressWarnings("unchecked")
    Map<String, Object> argMap = mapper.convertValue(args, Map.class);
    String taskId = taskOf(session, caller);
    StepView step = tasks.propose(caller, taskId, new ToolCall(spec.name(), argMap));
    String link = baseUrl + "task.html?id=" + URLEncoder.encode(taskId, StandardCharsets.UTF_8);
    ObjectNode out =
        JSON.objectNode()
            .put("taskId", taskId)
            .put("stepId", step.stepId())
            .put("tool", spec.name())
            .put("effect", String.valueOf(step.effect()))
            .put("state", String.valueOf(step.state()));
    if (spec.effect() == Effect.READ) {
      out.set("result", step.result());
      if (step.error() != null) {
        out.put("error", step.error());
      }
      boolean failed = step.state() != StepState.SUCCEEDED;
      return result(
          out, failed, failed ? spec.name() + " " + step.state() + ": " + step.error() : null);
    }
    out.put("executed", false);
    out.put("callHash", step.callHash());
    out.set("args", mapper.valueToTree(step.args()));
    if (step.preview() != null) {
      out.put("summary", step.preview().summary());
      out.put("diff", step.preview().diff());
      out.set("warnings", mapper.valueToTree(step.preview().warnings()));
    }
    out.set("policy", policy(step.policy()));
    out.put("deadline", step.deadline());
    out.put("taskUrl", link);
    if (step.error() != null) {
      out.put("error", step.error());
    }
    if (step.state() == StepState.AWAITING_APPROVAL) {
      out.put(
          "next",
          "Not executed. It waits for human approval of callHash "
              + step.callHash()
              + " before "
              + step.deadline()
              + " ("
              + link
              + "). Call "
              + WAIT_FOR_STEP
              + " with {\"taskId\":\""
              + taskId
              + "\",\"stepId\":\""
              + step.stepId()
              + "\"} to learn the outcome. You cannot approve it yourself.");
      return result(
          out,
          false,
          "Pending approval, not executed: "
              + out.path("summary").asText(spec.name())
              + "\n"
              + out.get("next").asText());
    }
    boolean halted = step.state().halts();
    String why =
        step.state() == StepState.BLOCKED && step.policy() != null
            ? "blocked by policy rule " + step.policy().ruleId() + ": " + step.policy().reason()
            : spec.name()
                + " is "
                + step.state()
                + (step.error() == null ? "" : ": " + step.error());
    out.put(
        "next",
        halted ? "Not executed. " + why : "Queued in the task; " + WAIT_FOR_STEP + " follows it.");
    return result(out, halted, halted ? why : null);
  }

  /**
   * The session's task, started on first use; a task that completed or was ended (410) is replaced
   * by a fresh one.
   */
  private String taskOf(McpSession session, Caller caller) {
    synchronized (session) {
      String id = session.taskId();
      if (id != null && open(caller, id)) {
        return id;
      }
      String fresh =
          "mcp-"
              + caller.user().replaceAll("[^A-Za-z0-9._-]", "-")
              + "-"
              + UUID.randomUUID().toString().substring(0, 8);
      tasks.start(
          caller,
          new StartTask(
              session.environment,
              "MCP session" + (session.client == null ? "" : " of " + session.client),
              null,
              null,
              null,
              fresh));
      session.taskId(fresh);
      return fresh;
    }
  }

  private boolean open(Caller caller, String taskId) {
    try {
      return tasks.status(caller, taskId).state() != TaskState.COMPLETED;
    } catch (ApiException e) {
      if (e.status() == jakarta.ws.rs.core.Response.Status.GONE) {
        return false;
      }
      throw e;
    }
  }

  /** The agent is done proposing: the session's task completes once nothing is pending. */
  void finish(McpSession session, Caller caller) {
    String taskId = session.taskId();
    if (taskId == null) {
      return;
    }
    try {
      tasks.finish(caller, taskId);
    } catch (ApiException e) {
      // Already ended: nothing to finish.
    }
  }

  private ObjectNode taskStatus(McpSession session, Caller caller, JsonNode args) {
    onlyArguments(TASK_STATUS, args, "taskId");
    String taskId = taskIdArg(session, args);
    TaskView view = tasks.status(caller, taskId);
    ObjectNode out = mapper.valueToTree(view);
    return result(out, false, null);
  }

  private ObjectNode waitForStep(McpSession session, Caller caller, JsonNode args) {
    onlyArguments(WAIT_FOR_STEP, args, "taskId", "stepId", "timeoutSeconds");
    String taskId = taskIdArg(session, args);
    JsonNode stepArg = args.path("stepId");
    if (!stepArg.isTextual() || stepArg.asText().isBlank()) {
      throw McpError.invalidParams(
          "stepId is required: the step to wait for as text, for example \"s2\" (got "
              + shown(stepArg)
              + ")");
    }
    String stepId = stepArg.asText();
    // Exactly a whole number in range: never text, a fraction, or a huge number wrapped into range.
    JsonNode seconds = args.path("timeoutSeconds");
    int timeout =
        seconds.isMissingNode()
            ? 30
            : seconds.isIntegralNumber() && seconds.canConvertToInt() ? seconds.intValue() : 0;
    if (timeout < 1 || timeout > config.maxWaitSeconds()) {
      throw McpError.invalidParams(
          "timeoutSeconds must be a whole number between 1 and "
              + config.maxWaitSeconds()
              + " (got "
              + shown(seconds)
              + ")");
    }
    StepView step = steps.await(caller, taskId, stepId, Duration.ofSeconds(timeout));
    ObjectNode out =
        JSON.objectNode()
            .put("taskId", taskId)
            .put("stepId", stepId)
            .put("state", step.state().name())
            .put("done", step.state().isFinal())
            .put("timedOut", !step.state().isFinal());
    out.set("step", mapper.valueToTree(step));
    boolean bad = step.state().halts();
    return result(
        out,
        bad,
        bad
            ? stepId + " " + step.state() + (step.error() == null ? "" : ": " + step.error())
            : null);
  }

  /**
   * The input schemas say additionalProperties: false; an argument they do not name is refused, not
   * ignored.
   */
  private static void onlyArguments(String tool, JsonNode args, String... names) {
    List<String> allowed = List.of(names);
    args.fieldNames()
        .forEachRemaining(
            name -> {
              if (!allowed.contains(name)) {
                throw McpError.invalidParams(
                    "unknown argument '"
                        + CallerText.shown(name)
                        + "'; "
                        + tool
                        + " takes "
                        + allowed);
              }
            });
  }

  private static String taskIdArg(McpSession session, JsonNode args) {
    JsonNode id = args.path("taskId");
    if (!id.isMissingNode() && (!id.isTextual() || id.asText().isBlank())) {
      throw McpError.invalidParams(
          "taskId must be a task id as text (got "
              + shown(id)
              + "); leave it out for this"
              + " session's task");
    }
    if (id.isTextual()) {
      return id.asText();
    }
    if (session.taskId() == null) {
      throw McpError.invalidParams(
          "this session has no task yet (it starts with the first catalog tool call); pass taskId");
    }
    return session.taskId();
  }

  /** A JSON value as an error message may repeat it: short, one line, printable. */
  private static String shown(JsonNode value) {
    return value.isMissingNode() ? "nothing" : CallerText.shown(value.toString());
  }

  private ObjectNode policy(PolicyDecision p) {
    if (p == null) {
      return null;
    }
    ObjectNode o =
        JSON.objectNode()
            .put("allowed", p.allowed())
            .put("ruleId", p.ruleId())
            .put("reason", p.reason())
            .put("requiredApprovals", p.requiredApprovals())
            .put("policyVersion", p.policyVersion());
    o.set("approvers", mapper.valueToTree(p.approvers()));
    return o;
  }

  /**
   * A CallToolResult: the JSON as structured content and as text, plus a first line when it helps.
   */
  private ObjectNode result(ObjectNode structured, boolean isError, String headline) {
    ObjectNode r = JSON.objectNode();
    ArrayNode content = r.putArray("content");
    if (headline != null) {
      content.addObject().put("type", "text").put("text", headline);
    }
    content.addObject().put("type", "text").put("text", structured.toString());
    r.set("structuredContent", structured);
    r.put("isError", isError);
    return r;
  }
}
