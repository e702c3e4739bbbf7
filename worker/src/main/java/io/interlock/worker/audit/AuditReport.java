package io.interlock.worker.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionUpdateAcceptedEventAttributes;
import io.temporal.common.WorkflowExecutionHistory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit record of one task, built from its workflow history alone (every run of the workflow
 * id, oldest first): no worker, no query, no database. Every step gets its exact call and hash,
 * preview, each policy decision, each approval and refusal with the approver the payload names and
 * the identity the Temporal server recorded, execution times, the before/after delta and the
 * verification evidence. Entries are hash-chained ({@link HashChain}).
 *
 * <p>Export: {@link #toJson()} (verifiable with {@link HashChain#verify}) and {@link #toMarkdown()}.
 */
public final class AuditReport {
  public static final String FORMAT = "interlock-audit/1";

  private final List<ObjectNode> entries;
  private final String head;

  private AuditReport(List<ObjectNode> entries, String head) {
    this.entries = entries;
    this.head = head;
  }

  public List<ObjectNode> entries() {
    return entries;
  }

  public String head() {
    return head;
  }

  /** The report entry of kind STEP for {@code stepId}, if the history has that step. */
  public ObjectNode step(String stepId) {
    for (ObjectNode e : entries) {
      if ("STEP".equals(e.path("kind").asText()) && stepId.equals(e.path("stepId").asText())) {
        return (ObjectNode) e.get("detail");
      }
    }
    return null;
  }

  public static AuditReport fromHistory(WorkflowExecutionHistory... runs) {
    return fromHistory(List.of(runs));
  }

  /** Builds the report from every run of one workflow id, oldest first. */
  public static AuditReport fromHistory(List<WorkflowExecutionHistory> runs) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no history given");
    }
    Builder b = new Builder();
    runs.forEach(b::read);
    return b.build();
  }

  public ObjectNode toJsonTree() {
    ObjectNode root = CanonicalJson.MAPPER.createObjectNode();
    root.put("format", FORMAT);
    ObjectNode chain = root.putObject("chain");
    chain.put("algorithm", HashChain.ALGORITHM);
    chain.put("genesis", HashChain.GENESIS);
    chain.put("head", head);
    ArrayNode arr = root.putArray("entries");
    entries.forEach(arr::add);
    return root;
  }

  public String toJson() {
    try {
      return CanonicalJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJsonTree());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public String toMarkdown() {
    return new AuditMarkdown(entries, head).render();
  }

  // ---------------------------------------------------------------------------------------------

  /** Walks the events once, keeping per-step records and the event entries in order. */
  private static final class Builder {
    private final List<ObjectNode> events = new ArrayList<>();
    private final Map<String, StepRecord> steps = new LinkedHashMap<>();
    private final Map<Long, Scheduled> scheduled = new HashMap<>();
    private final Map<String, Accepted> updates = new HashMap<>();
    private final List<Decision> decisions = new ArrayList<>();
    /** Steps of the initial plan (s1..sN), and calls seen in activities not yet tied to a step. */
    private final List<String> runIds = new ArrayList<>();
    private final ObjectNode task = CanonicalJson.MAPPER.createObjectNode();
    private JsonNode finalSteps;
    private String runId;
    private String workflowId;
    /** The task id the workflow itself put in activity inputs (a file-loaded history lacks its id). */
    private String seenTaskId;

    private record Scheduled(String activity, String queue, ArrayNode input, String at, long eventId) {}

    private record Accepted(String name, String updateId, ArrayNode input, String identity, String at) {}

    /** An approval or rejection as it arrived, to be matched with what the workflow recorded. */
    private static final class Decision {
      String via;
      String stepId;
      String approver;
      String serverIdentity;
      boolean approve;
      String at;
      JsonNode payload;
      Boolean accepted;
      String why;
    }

    void read(WorkflowExecutionHistory h) {
      runId = h.getWorkflowExecution().getRunId();
      workflowId = h.getWorkflowExecution().getWorkflowId();
      if (!h.getEvents().isEmpty() && h.getEvents().get(0).hasWorkflowExecutionStartedEventAttributes()) {
        // A history read from a file has no execution of its own; the started event names the run.
        String original = h.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getOriginalExecutionRunId();
        runId = original.isEmpty() ? runId : original;
        String id = h.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getWorkflowId();
        workflowId = id.isEmpty() ? workflowId : id;
      }
      for (HistoryEvent e : h.getEvents()) {
        String at = HistoryEvents.time(e.getEventTime());
        switch (e.getEventType()) {
          case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED -> started(e, at);
          case EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED -> signaled(e, at);
          case EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED -> updateAccepted(e, at);
          case EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED -> updateCompleted(e, at);
          case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> {
            ActivityTaskScheduledEventAttributes a = e.getActivityTaskScheduledEventAttributes();
            scheduled.put(e.getEventId(), new Scheduled(a.getActivityType().getName(), a.getTaskQueue().getName(),
                HistoryEvents.json(a.getInput()), at, e.getEventId()));
          }
          case EVENT_TYPE_ACTIVITY_TASK_STARTED -> activityStarted(e, at);
          case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> activityEnded(e.getActivityTaskCompletedEventAttributes().getScheduledEventId(),
              e, at, HistoryEvents.first(e.getActivityTaskCompletedEventAttributes().getResult()), null,
              e.getActivityTaskCompletedEventAttributes().getIdentity());
          case EVENT_TYPE_ACTIVITY_TASK_FAILED -> activityEnded(e.getActivityTaskFailedEventAttributes().getScheduledEventId(),
              e, at, null, HistoryEvents.failure(e.getActivityTaskFailedEventAttributes().getFailure()),
              e.getActivityTaskFailedEventAttributes().getIdentity());
          case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT -> activityEnded(e.getActivityTaskTimedOutEventAttributes().getScheduledEventId(),
              e, at, null, "timed out: " + HistoryEvents.failure(e.getActivityTaskTimedOutEventAttributes().getFailure()), null);
          case EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES -> {
            ObjectNode d = CanonicalJson.MAPPER.createObjectNode();
            e.getUpsertWorkflowSearchAttributesEventAttributes().getSearchAttributes().getIndexedFieldsMap()
                .forEach((k, v) -> d.set(k, HistoryEvents.json(v)));
            event(e, at, "SEARCH_ATTRIBUTES", null, "engine", null, d);
          }
          case EVENT_TYPE_TIMER_STARTED -> {
            ObjectNode d = CanonicalJson.MAPPER.createObjectNode();
            var t = e.getTimerStartedEventAttributes().getStartToFireTimeout();
            d.put("timerId", e.getTimerStartedEventAttributes().getTimerId());
            d.put("fireAfterSeconds", t.getSeconds());
            event(e, at, "TIMER_STARTED", null, "engine", null, d);
          }
          case EVENT_TYPE_TIMER_FIRED -> {
            ObjectNode d = CanonicalJson.MAPPER.createObjectNode();
            d.put("timerId", e.getTimerFiredEventAttributes().getTimerId());
            event(e, at, "TIMER_FIRED", null, "engine", null, d);
          }
          case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED -> {
            JsonNode result = HistoryEvents.first(e.getWorkflowExecutionCompletedEventAttributes().getResult());
            finalSteps = result.path("steps");
            ObjectNode d = CanonicalJson.MAPPER.createObjectNode();
            d.set("state", result.path("state"));
            d.set("haltedBy", result.path("haltedBy"));
            task.set("state", result.path("state"));
            event(e, at, "TASK_ENDED", null, "engine", null, d);
          }
          case EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW -> {
            JsonNode next = HistoryEvents.first(e.getWorkflowExecutionContinuedAsNewEventAttributes().getInput());
            finalSteps = next.path("resume").path("steps");
            ObjectNode d = CanonicalJson.MAPPER.createObjectNode();
            d.put("newRunId", e.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId());
            event(e, at, "CONTINUED_AS_NEW", null, "engine", null, d);
          }
          case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED -> {
            ObjectNode d = CanonicalJson.MAPPER.createObjectNode();
            d.put("failure", HistoryEvents.failure(e.getWorkflowExecutionFailedEventAttributes().getFailure()));
            task.put("state", "FAILED");
            event(e, at, "TASK_FAILED", null, "engine", null, d);
          }
          case EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED -> {
            ObjectNode d = CanonicalJson.MAPPER.createObjectNode();
            d.put("reason", e.getWorkflowExecutionTerminatedEventAttributes().getReason());
            task.put("state", "TERMINATED");
            event(e, at, "TASK_TERMINATED", null, e.getWorkflowExecutionTerminatedEventAttributes().getIdentity(),
                e.getWorkflowExecutionTerminatedEventAttributes().getIdentity(), d);
          }
          default -> {
            // Workflow-task bookkeeping events carry nothing a reviewer needs.
          }
        }
      }
    }

    private void started(HistoryEvent e, String at) {
      WorkflowExecutionStartedEventAttributes a = e.getWorkflowExecutionStartedEventAttributes();
      JsonNode req = HistoryEvents.first(a.getInput());
      runIds.add(runId);
      ObjectNode d = CanonicalJson.MAPPER.createObjectNode();
      d.put("runId", runId);
      d.put("workflowType", a.getWorkflowType().getName());
      if (!a.getContinuedExecutionRunId().isEmpty()) {
        d.put("continuedFromRunId", a.getContinuedExecutionRunId());
        event(e, at, "RUN_CONTINUED", null, "engine", a.getIdentity(), d);
        return;
      }
      task.put("taskId", workflowId);
      task.put("workflowType", a.getWorkflowType().getName());
      task.set("requester", req.path("requester"));
      task.set("environment", req.path("environment"));
      task.set("goal", req.path("goal"));
      task.put("startedAt", at);
      task.put("startedBy", a.getIdentity());
      d.set("request", req);
      event(e, at, "TASK_STARTED", null, req.path("requester").asText(null), a.getIdentity(), d);
      JsonNode initial = req.path("steps");
      int n = 1;
      for (JsonNode call : initial) {
        StepRecord s = step("s" + n++);
        s.call(call, "initial plan");
      }
    }

    private void signaled(HistoryEvent e, String at) {
      var a = e.getWorkflowExecutionSignaledEventAttributes();
      JsonNode payload = HistoryEvents.first(a.getInput());
      String name = a.getSignalName();
      String stepId = payload.path("stepId").asText(null);
      ObjectNode d = CanonicalJson.MAPPER.createObjectNode();
      d.put("signal", name);
      d.set("payload", payload);
      event(e, at, "SIGNAL_" + name.toUpperCase(), stepId, payload.path("approver").asText(null), a.getIdentity(), d);
      if (name.equals("approve") || name.equals("reject")) {
        Decision dec = new Decision();
        dec.via = "signal";
        dec.stepId = stepId;
        dec.approver = payload.path("approver").asText(null);
        dec.serverIdentity = a.getIdentity();
        dec.approve = name.equals("approve");
        dec.at = at;
        dec.payload = payload;
        decisions.add(dec);
      }
    }

    private void updateAccepted(HistoryEvent e, String at) {
      WorkflowExecutionUpdateAcceptedEventAttributes a = e.getWorkflowExecutionUpdateAcceptedEventAttributes();
      var req = a.getAcceptedRequest();
      ArrayNode input = HistoryEvents.json(req.getInput().getArgs());
      updates.put(req.getMeta().getUpdateId(), new Accepted(req.getInput().getName(), req.getMeta().getUpdateId(), input,
          req.getMeta().getIdentity(), at));
      JsonNode payload = input.isEmpty() ? NullNode.getInstance() : input.get(0);
      ObjectNode d = CanonicalJson.MAPPER.createObjectNode();
      d.put("update", req.getInput().getName());
      d.put("updateId", req.getMeta().getUpdateId());
      d.set("payload", payload);
      String actor = payload.path("approver").asText(null);
      event(e, at, "UPDATE_" + req.getInput().getName().toUpperCase(), payload.path("stepId").asText(null),
          actor == null ? req.getMeta().getIdentity() : actor, req.getMeta().getIdentity(), d);
    }

    private void updateCompleted(HistoryEvent e, String at) {
      var a = e.getWorkflowExecutionUpdateCompletedEventAttributes();
      // Matched by update id: not every server fills acceptedEventId.
      Accepted acc = updates.get(a.getMeta().getUpdateId());
      ObjectNode d = CanonicalJson.MAPPER.createObjectNode();
      d.put("update", acc == null ? "?" : acc.name());
      d.put("updateId", a.getMeta().getUpdateId());
      String stepId = null;
      if (a.getOutcome().hasFailure()) {
        d.put("outcome", "refused");
        d.put("why", HistoryEvents.failure(a.getOutcome().getFailure()));
      } else {
        JsonNode view = HistoryEvents.first(a.getOutcome().getSuccess());
        stepId = view.path("stepId").asText(null);
        d.put("outcome", "ok");
        d.set("step", view);
        if (stepId != null) {
          StepRecord s = step(stepId);
          s.view(view);
          if (acc != null && "propose".equals(acc.name())) {
            s.call(acc.input().path(0), "propose update by " + acc.identity());
            s.proposedBy = acc.identity();
          }
        }
      }
      if (acc != null && "decide".equals(acc.name())) {
        JsonNode p = acc.input().path(0);
        stepId = p.path("stepId").asText(stepId);
        Decision dec = new Decision();
        dec.via = "decide update";
        dec.stepId = stepId;
        dec.approver = p.path("approver").asText(null);
        dec.serverIdentity = acc.identity();
        dec.approve = p.path("approve").asBoolean();
        dec.at = acc.at();
        dec.payload = p;
        dec.accepted = !a.getOutcome().hasFailure();
        dec.why = a.getOutcome().hasFailure() ? d.path("why").asText() : null;
        decisions.add(dec);
      }
      event(e, at, "UPDATE_COMPLETED", stepId, "engine", null, d);
    }

    private void activityStarted(HistoryEvent e, String at) {
      var a = e.getActivityTaskStartedEventAttributes();
      Scheduled s = scheduled.get(a.getScheduledEventId());
      if (s == null) {
        return;
      }
      if ("Execute".equals(s.activity())) {
        StepRecord r = step(s.input().path(0).path("stepId").asText());
        r.executionStartedEvent = at;
        r.attempts = a.getAttempt();
      }
    }

    private void activityEnded(long scheduledId, HistoryEvent e, String at, JsonNode result, String failure, String worker) {
      Scheduled s = scheduled.remove(scheduledId);
      if (s == null) {
        return;
      }
      ArrayNode in = s.input();
      if (in.path(0).hasNonNull("taskId")) {
        seenTaskId = in.path(0).get("taskId").asText();
      }
      JsonNode call = switch (s.activity()) {
        case "Resolve", "Read", "Preview" -> in.path(1);
        case "Verify", "PlanRollback" -> in.path(0).path("call");
        case "Execute", "Check" -> in.path(0).path("call");
        default -> NullNode.getInstance();
      };
      String stepId = switch (s.activity()) {
        case "Check", "Execute", "AwaitingApproval" -> in.path(0).path("stepId").asText(null);
        case "Settled" -> in.path(1).asText(null);
        default -> null;
      };
      ObjectNode d = CanonicalJson.MAPPER.createObjectNode();
      d.put("activity", s.activity());
      d.put("taskQueue", s.queue());
      d.put("scheduledAt", s.at());
      d.put("endedAt", at);
      if (worker != null && !worker.isEmpty()) {
        d.put("workerIdentity", worker);
      }
      d.set("input", in);
      if (failure != null) {
        d.put("failure", failure);
      } else {
        d.set("result", result);
      }
      ObjectNode entry = event(e, at, kindOf(s.activity()), stepId, "engine", null, d);
      pendingLinks.add(new Link(entry, s.activity(), call, stepId, result, failure, s.at(), at, worker));
    }

    private record Link(ObjectNode entry, String activity, JsonNode call, String stepId, JsonNode result,
        String failure, String scheduledAt, String endedAt, String worker) {}

    private final List<Link> pendingLinks = new ArrayList<>();

    private static String kindOf(String activity) {
      return switch (activity) {
        case "Resolve" -> "RESOLVED";
        case "Read" -> "READ";
        case "Preview" -> "PREVIEW";
        case "Check" -> "POLICY_DECISION";
        case "AwaitingApproval" -> "APPROVAL_REQUESTED";
        case "Settled" -> "APPROVAL_SETTLED";
        case "Execute" -> "EXECUTED";
        case "Verify" -> "VERIFICATION";
        case "PlanRollback" -> "ROLLBACK_PLANNED";
        default -> "ACTIVITY_" + activity.toUpperCase();
      };
    }

    private ObjectNode event(HistoryEvent e, String at, String kind, String stepId, String actor, String serverIdentity,
        ObjectNode detail) {
      ObjectNode n = CanonicalJson.MAPPER.createObjectNode();
      n.put("at", at);
      n.put("kind", kind);
      n.put("runId", runId);
      n.put("eventId", e.getEventId());
      if (stepId != null) {
        n.put("stepId", stepId);
      }
      if (actor != null) {
        n.put("actor", actor);
      }
      if (serverIdentity != null && !serverIdentity.isEmpty()) {
        n.put("serverIdentity", serverIdentity);
      }
      n.set("detail", detail);
      events.add(n);
      return n;
    }

    private StepRecord step(String stepId) {
      return steps.computeIfAbsent(stepId, StepRecord::new);
    }

    /** Ties activities without a step id (resolve, preview, read, verify) to their step by the exact call. */
    private void linkActivities() {
      for (int i = 0; i < pendingLinks.size(); i++) {
        Link l = pendingLinks.get(i);
        String stepId = l.stepId();
        if (stepId == null && l.call() != null && !l.call().isMissingNode() && !l.call().isNull()) {
          boolean backwards = l.activity().equals("Verify") || l.activity().equals("PlanRollback");
          stepId = backwards ? searchBack(i, l.call()) : searchForward(i, l.call());
          if (stepId == null) {
            stepId = byCallInRecords(l.call());
          }
          if (stepId != null) {
            l.entry().put("stepId", stepId);
          }
        }
        if (stepId == null) {
          continue;
        }
        StepRecord s = step(stepId);
        s.apply(l.activity(), l.entry().path("detail").path("input"), l.result(), l.failure(), l.scheduledAt(),
            l.endedAt(), l.worker());
      }
    }

    private String searchForward(int from, JsonNode call) {
      for (int j = from + 1; j < pendingLinks.size(); j++) {
        Link o = pendingLinks.get(j);
        if (o.stepId() != null && call.equals(o.call())) {
          return o.stepId();
        }
      }
      for (StepRecord s : steps.values()) {
        if (call.equals(s.call) && s.reads == 0 && s.view != null) {
          return s.stepId;
        }
      }
      return null;
    }

    private String searchBack(int from, JsonNode call) {
      for (int j = from - 1; j >= 0; j--) {
        Link o = pendingLinks.get(j);
        if ("Execute".equals(o.activity()) && call.equals(o.call())) {
          return o.stepId();
        }
      }
      return null;
    }

    private String byCallInRecords(JsonNode call) {
      for (StepRecord s : steps.values()) {
        if (call.equals(s.call) && s.reads == 0) {
          return s.stepId;
        }
      }
      return null;
    }

    /** Pairs each approval/rejection with what the workflow recorded for it (accepted or refused, and why). */
    private void matchDecisions() {
      if (finalSteps != null && finalSteps.isArray()) {
        for (JsonNode v : finalSteps) {
          step(v.path("stepId").asText()).view(v);
        }
      }
      Map<String, List<JsonNode>> accepted = new HashMap<>();
      Map<String, List<JsonNode>> refused = new HashMap<>();
      for (StepRecord s : steps.values()) {
        if (s.view == null) {
          continue;
        }
        s.view.path("approvals").forEach(a -> accepted.computeIfAbsent(s.stepId + "/" + a.path("approver").asText(), k -> new ArrayList<>()).add(a));
        s.view.path("refusals").forEach(r -> refused.computeIfAbsent(s.stepId + "/" + r.path("approver").asText(), k -> new ArrayList<>()).add(r));
      }
      for (Decision d : decisions) {
        String key = d.stepId + "/" + d.approver;
        List<JsonNode> refs = refused.getOrDefault(key, new ArrayList<>());
        List<JsonNode> accs = accepted.getOrDefault(key, new ArrayList<>());
        JsonNode refusal = firstAtOrAfter(refs, d.at);
        JsonNode approval = d.approve ? firstAtOrAfter(accs, d.at) : null;
        if (d.accepted == null) {
          if (refusal != null && (approval == null || refusal.path("at").asText().compareTo(approval.path("at").asText()) <= 0)) {
            d.accepted = false;
            d.why = refusal.path("why").asText();
          } else if (approval != null) {
            d.accepted = true;
          } else if (!d.approve && d.stepId != null && steps.containsKey(d.stepId)
              && steps.get(d.stepId).rejectedBy(d.approver)) {
            d.accepted = true;
          }
        }
        if (Boolean.FALSE.equals(d.accepted)) {
          refs.remove(refusal);
        } else if (Boolean.TRUE.equals(d.accepted) && approval != null) {
          accs.remove(approval);
        }
        if (d.stepId != null) {
          step(d.stepId).decision(d.via, d.approve, d.approver, d.serverIdentity, d.at, d.payload, d.accepted, d.why);
        }
      }
    }

    private static JsonNode firstAtOrAfter(List<JsonNode> records, String at) {
      // The workflow stamps a decision with the time its handler ran, never before the event.
      Instant arrived = Instant.parse(at).truncatedTo(ChronoUnit.MILLIS);
      for (JsonNode r : records) {
        if (!Instant.parse(r.path("at").asText()).isBefore(arrived)) {
          return r;
        }
      }
      return null;
    }

    AuditReport build() {
      if (seenTaskId != null) {
        workflowId = seenTaskId;
        task.put("taskId", seenTaskId);
      }
      linkActivities();
      matchDecisions();
      List<ObjectNode> out = new ArrayList<>();
      ObjectNode header = CanonicalJson.MAPPER.createObjectNode();
      header.put("at", task.path("startedAt").asText(Instant.EPOCH.toString()));
      header.put("kind", "TASK");
      ObjectNode hd = task.deepCopy();
      if (!hd.has("state")) {
        hd.put("state", "RUNNING (history ends before the task did)");
      }
      hd.put("workflowId", workflowId);
      ArrayNode runs = hd.putArray("runs");
      runIds.forEach(runs::add);
      hd.put("source", "Temporal workflow history (" + runIds.size() + " run(s)); no worker state used");
      header.set("detail", hd);
      out.add(header);
      for (StepRecord s : steps.values()) {
        ObjectNode e = CanonicalJson.MAPPER.createObjectNode();
        e.put("at", s.firstSeen == null ? header.path("at").asText() : s.firstSeen);
        e.put("kind", "STEP");
        e.put("stepId", s.stepId);
        e.set("detail", s.toJson());
        out.add(e);
      }
      out.addAll(events);
      String head = HashChain.link(out);
      return new AuditReport(out, head);
    }
  }
}
