package io.interlock.worker.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.contract.values.AuditKind;
import io.interlock.workflows.AuditMarker;
import io.interlock.workflows.CanonicalJson;
import io.interlock.workflows.proof.BatchStatement;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import io.temporal.common.WorkflowExecutionHistory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The audit record of one task, built from its workflow history alone (every run of the workflow
 * id, oldest first). The workflow writes its audit entries into its history as SideEffect markers
 * (one entry each, or one workflow task's entries as an array); this report groups those entries by
 * step (in seq order) and pairs each approval, rejection and refusal with the signal or update
 * event that caused it, so it shows both the approver the payload claims and the identity the
 * Temporal server recorded. Entries are hash-chained ({@link HashChain}).
 *
 * <p>Export: {@link #toJson()} (verifiable with {@link HashChain#verify}) and {@link
 * #toMarkdown()}.
 */
public final class AuditReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static final String FORMAT = "interlock-audit/2";

  /**
   * What {@code WorkflowExecutionHistory.fromJson} names a history whose file carries no workflow
   * id.
   */
  private static final String NO_WORKFLOW_ID = "workflow_id_in_replay";

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

  /** The TASK entry's detail: task id, requester, environment, state, runs. */
  public ObjectNode task() {
    return (ObjectNode) entries.get(0).get("detail");
  }

  /** The STEP entry's detail for {@code stepId}, or null if the history has no such step. */
  public ObjectNode step(String stepId) {
    for (ObjectNode e : entries) {
      if ("STEP".equals(e.path("kind").asText()) && stepId.equals(e.path("stepId").asText())) {
        return (ObjectNode) e.get("detail");
      }
    }
    return null;
  }

  /** Builds the report from every run of one workflow id, oldest first. */
  public static AuditReport fromHistory(List<WorkflowExecutionHistory> runs) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no history given");
    }
    Reader r = new Reader();
    runs.forEach(r::read);
    return r.build();
  }

  public ObjectNode toJsonTree() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    ObjectNode chain = root.putObject("chain");
    chain.put("algorithm", HashChain.ALGORITHM);
    chain.put("genesis", HashChain.GENESIS);
    chain.put("head", head);
    entries.forEach(root.putArray("entries")::add);
    return root;
  }

  public String toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJsonTree());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public String toMarkdown() {
    return new AuditMarkdown(entries, head).render();
  }

  /**
   * The Markdown rendering, naming the key its JSON export is signed with ({@link AuditSigner}).
   */
  public String toMarkdown(String signedBy) {
    return new AuditMarkdown(entries, head, signedBy).render();
  }

  /** One pass over the events: the audit markers, and the signals and updates that caused them. */
  private static final class Reader {
    private final ObjectNode task = JSON.createObjectNode();
    private final List<String> runIds = new ArrayList<>();

    /**
     * Audit entries by the workflow's seq (gap-free across runs), each with where it was recorded.
     */
    private final TreeMap<Long, ObjectNode> log = new TreeMap<>();

    /** Signals and updates not yet paired with the entry they caused, in arrival order. */
    private final List<ObjectNode> arrived = new ArrayList<>();

    /** The signal or update that carried each batch statement, by the statement's digest. */
    private final Map<String, ObjectNode> batchCauses = new HashMap<>();

    private String runId;
    private String workflowId;
    private String ended;
    private String haltedBy;

    void read(WorkflowExecutionHistory h) {
      runId = h.getWorkflowExecution().getRunId();
      if (!NO_WORKFLOW_ID.equals(h.getWorkflowExecution().getWorkflowId())) {
        workflowId = h.getWorkflowExecution().getWorkflowId();
      }
      for (HistoryEvent e : h.getEvents()) {
        switch (e.getEventType()) {
          case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED -> started(e);
          case EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED -> {
            var a = e.getWorkflowExecutionSignaledEventAttributes();
            arrived(
                e, "signal", a.getSignalName(), a.getIdentity(), HistoryEvents.first(a.getInput()));
          }
          case EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED -> {
            var req = e.getWorkflowExecutionUpdateAcceptedEventAttributes().getAcceptedRequest();
            arrived(
                e,
                "update",
                req.getInput().getName(),
                req.getMeta().getIdentity(),
                HistoryEvents.first(req.getInput().getArgs()));
            if (!arrived.isEmpty() && !req.getMeta().getUpdateId().isEmpty()) {
              arrived.get(arrived.size() - 1).put("updateId", req.getMeta().getUpdateId());
            }
          }
          case EVENT_TYPE_MARKER_RECORDED -> marker(e);
          case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED -> {
            String id =
                HistoryEvents.first(e.getWorkflowExecutionCompletedEventAttributes().getResult())
                    .path("taskId")
                    .asText();
            workflowId = id.isEmpty() ? workflowId : id;
          }
          case EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW ->
              ended = "CONTINUED_AS_NEW (later runs not in the given history)";
          case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED ->
              ended =
                  "FAILED: "
                      + HistoryEvents.failure(
                          e.getWorkflowExecutionFailedEventAttributes().getFailure());
          case EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED ->
              ended =
                  "TERMINATED by "
                      + e.getWorkflowExecutionTerminatedEventAttributes().getIdentity()
                      + ": "
                      + e.getWorkflowExecutionTerminatedEventAttributes().getReason();
          case EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED ->
              ended = e.getEventType().name().substring("EVENT_TYPE_WORKFLOW_EXECUTION_".length());
          default -> {
            // Activities, timers and workflow tasks: what they did is in the audit entries.
          }
        }
      }
    }

    private void started(HistoryEvent e) {
      WorkflowExecutionStartedEventAttributes a = e.getWorkflowExecutionStartedEventAttributes();
      // A history read from a file has a placeholder execution; the started event names the run.
      runId = a.getOriginalExecutionRunId().isEmpty() ? runId : a.getOriginalExecutionRunId();
      workflowId = a.getWorkflowId().isEmpty() ? workflowId : a.getWorkflowId();
      runIds.add(runId);
      ended = null;
      if (a.getContinuedExecutionRunId().isEmpty()) {
        task.put("workflowType", a.getWorkflowType().getName());
        task.put("startedAt", HistoryEvents.time(e.getEventTime()));
        task.put("startedBy", a.getIdentity());
      }
    }

    private void arrived(
        HistoryEvent e, String via, String name, String identity, JsonNode payload) {
      String key =
          switch (name) {
            case "approve", "reject" ->
                decisionKey(
                    name,
                    payload.path("stepId"),
                    payload.path("approver"),
                    payload.path("callHash"));
            case "decide" ->
                decisionKey(
                    payload.path("approve").asBoolean() ? "approve" : "reject",
                    payload.path("stepId"),
                    payload.path("approver"),
                    payload.path("callHash"));
            case "propose" ->
                "propose|"
                    + CanonicalJson.of(StepRecord.call(payload.path("tool"), payload.path("args")));
            case "finish" -> "finish";
            case "batch", "decideBatch" -> batchKey(payload.path("statement"));
            default -> null;
          };
      if (key == null) {
        return;
      }
      ObjectNode s = JSON.createObjectNode();
      s.put("via", via);
      s.put("name", name);
      s.put("identity", identity);
      s.put("at", HistoryEvents.time(e.getEventTime()));
      s.put("runId", runId);
      s.put("eventId", e.getEventId());
      s.set("payload", payload);
      s.put("key", key);
      arrived.add(s);
    }

    private void marker(HistoryEvent e) {
      var a = e.getMarkerRecordedEventAttributes();
      Payloads data = AuditMarker.payloads(a);
      // A marker that is not an audit entry carries none.
      for (JsonNode v : AuditMarker.entries(data == null ? null : HistoryEvents.first(data))) {
        entry(e, v);
      }
    }

    private void entry(HistoryEvent e, JsonNode v) {
      ObjectNode entry = JSON.createObjectNode();
      entry.set("at", v.path("at"));
      entry.set("kind", v.get("kind"));
      if (v.hasNonNull("stepId")) {
        entry.set("stepId", v.get("stepId"));
      }
      entry.set("actor", v.path("actor"));
      entry.set("auditSeq", v.get("seq"));
      entry.put("runId", runId);
      entry.put("eventId", e.getEventId());
      entry.set("detail", v.path("detail").isObject() ? v.get("detail") : JSON.createObjectNode());
      String digest = batchDigest(entry);
      if (digest != null) {
        batchCause(entry, digest);
        log.putIfAbsent(v.get("seq").asLong(), entry);
        return;
      }
      List<String> keys = causeKeys(entry);
      // An entry recorded inside an update names it: pair by id, not by content and order.
      String updateId = entry.path("detail").path("updateId").asText("");
      ObjectNode byId = keys.isEmpty() || updateId.isEmpty() ? null : takeArrivedUpdate(updateId);
      if (byId != null) {
        byId.remove("key");
        entry.set("server", byId);
      }
      for (String key : byId != null ? List.<String>of() : keys) {
        ObjectNode cause = takeArrived(key);
        if (cause != null) {
          cause.remove("key");
          entry.set("server", cause);
          break;
        }
      }
      log.putIfAbsent(v.get("seq").asLong(), entry);
    }

    /**
     * One batch signal or update causes several entries: the first (BATCH, or the refusal of the
     * whole statement) takes it, the per-entry ones that follow share it.
     */
    private void batchCause(ObjectNode entry, String digest) {
      boolean first = entry.path("detail").has("statementDigest");
      ObjectNode cause = first ? null : batchCauses.get(digest);
      if (first) {
        String updateId = entry.path("detail").path("updateId").asText("");
        cause = updateId.isEmpty() ? takeArrived("batch|" + digest) : takeArrivedUpdate(updateId);
        if (cause != null) {
          cause.remove("key");
          batchCauses.put(digest, cause);
        }
      }
      if (cause != null) {
        entry.set("server", cause.deepCopy());
      }
    }

    /** The batch statement's digest an entry names, or null for an entry of a single decision. */
    private static String batchDigest(ObjectNode entry) {
      JsonNode d = entry.path("detail");
      String own = d.path("statementDigest").asText(null);
      return own != null ? own : d.path("batch").path("statementDigest").asText(null);
    }

    private static String batchKey(JsonNode statement) {
      try {
        BatchStatement st = JSON.treeToValue(statement, BatchStatement.class);
        return st == null || st.problem() != null ? "batch|?" : "batch|" + st.digest();
      } catch (Exception e) {
        return "batch|?"; // a statement that does not parse caused only a refusal
      }
    }

    /** The keys of the signal or update that could have caused this entry, most likely first. */
    private static List<String> causeKeys(ObjectNode entry) {
      JsonNode d = entry.path("detail");
      JsonNode step = entry.path("stepId");
      JsonNode who = entry.path("actor");
      AuditKind kind = AuditKind.named(entry.path("kind").asText());
      return kind == null
          ? List.of()
          : switch (kind) {
            case APPROVAL, APPROVAL_REPEATED ->
                List.of(decisionKey("approve", step, who, d.path("callHash")));
            case REJECTED -> List.of(decisionKey("reject", step, who, d.path("callHash")));
            case REFUSED ->
                !d.has("why")
                    ? List.of()
                    : d.has("approving")
                        ? List.of(
                            decisionKey(
                                d.path("approving").asBoolean() ? "approve" : "reject",
                                step,
                                who,
                                d.path("callHash")))
                        // An unknown step's refusal does not say which it was.
                        : List.of(
                            decisionKey("approve", step, who, d.path("callHash")),
                            decisionKey("reject", step, who, d.path("callHash")));
            case PROPOSED ->
                "engine".equals(who.asText())
                    ? List.of()
                    : List.of(
                        "propose|"
                            + CanonicalJson.of(StepRecord.call(d.path("tool"), d.path("args"))));
            case FINISH_REQUESTED -> List.of("finish");
            default -> List.of();
          };
    }

    /**
     * The earliest unpaired signal/update with this key: handlers run in the order they were
     * delivered.
     */
    private ObjectNode takeArrivedUpdate(String updateId) {
      for (Iterator<ObjectNode> it = arrived.iterator(); it.hasNext(); ) {
        ObjectNode s = it.next();
        if (updateId.equals(s.path("updateId").asText())) {
          it.remove();
          return s;
        }
      }
      return null;
    }

    private ObjectNode takeArrived(String key) {
      for (Iterator<ObjectNode> it = arrived.iterator(); it.hasNext(); ) {
        ObjectNode s = it.next();
        if (key.equals(s.path("key").asText())) {
          it.remove();
          return s;
        }
      }
      return null;
    }

    private static String decisionKey(
        String decision, JsonNode stepId, JsonNode approver, JsonNode callHash) {
      return decision
          + "|"
          + stepId.asText("")
          + "|"
          + approver.asText("")
          + "|"
          + callHash.asText("");
    }

    AuditReport build() {
      Map<String, StepRecord> steps = new LinkedHashMap<>();
      for (ObjectNode e : log.values()) {
        String stepId = e.path("stepId").asText(null);
        if (stepId != null) {
          steps.computeIfAbsent(stepId, StepRecord::new).apply(e);
          AuditKind kind = AuditKind.named(e.path("kind").asText());
          haltedBy =
              kind == AuditKind.HALTED ? stepId : kind == AuditKind.RESUMED ? null : haltedBy;
        } else {
          taskEntry(e);
        }
        if (AuditKind.ROLLBACK_PROPOSED.name().equals(e.path("kind").asText())
            && steps.containsKey(e.path("detail").path("rollbackOf").asText())) {
          steps.get(e.path("detail").path("rollbackOf").asText()).rolledBackBy(stepId);
        }
      }
      for (ObjectNode s : arrived) {
        if (s.path("key").asText().startsWith("approve|")
            || s.path("key").asText().startsWith("reject|")) {
          s.remove("key");
          steps
              .computeIfAbsent(s.path("payload").path("stepId").asText("?"), StepRecord::new)
              .unrecorded(s);
        }
      }
      List<ObjectNode> out = new ArrayList<>();
      out.add(header(steps));
      for (StepRecord s : steps.values()) {
        ObjectNode e = JSON.createObjectNode();
        e.put("at", s.firstAt());
        e.put("kind", "STEP");
        e.put("stepId", s.stepId);
        e.set("detail", s.json());
        out.add(e);
      }
      out.addAll(log.values());
      out.forEach(Reader::dropMissing);
      return new AuditReport(out, HashChain.link(out));
    }

    /** Fields copied from entries that lack them are left out, not written as null. */
    private static void dropMissing(JsonNode n) {
      if (n.isObject()) {
        List<String> missing = new ArrayList<>();
        n.fieldNames()
            .forEachRemaining(
                f -> missing.addAll(n.get(f).isMissingNode() ? List.of(f) : List.of()));
        ((ObjectNode) n).remove(missing);
      }
      n.forEach(Reader::dropMissing);
    }

    private void taskEntry(ObjectNode e) {
      AuditKind kind = AuditKind.named(e.path("kind").asText());
      if (kind == null) {
        return; // a kind this version does not know stays in the entry log
      }
      switch (kind) {
        case TASK_STARTED ->
            task.put("requester", e.path("actor").asText()).setAll((ObjectNode) e.get("detail"));
        case FINISH_REQUESTED ->
            task.putObject("finishRequested")
                .put("at", e.path("at").asText())
                .put("by", e.path("actor").asText())
                .put("serverIdentity", e.path("server").path("identity").asText(null));
        case COMPLETED ->
            task.put("completedAt", e.path("at").asText()).setAll((ObjectNode) e.get("detail"));
        default -> {
          // IDLE_TIMEOUT and CONTINUED_AS_NEW stay in the entry log.
        }
      }
    }

    private ObjectNode header(Map<String, StepRecord> steps) {
      ObjectNode h = JSON.createObjectNode();
      h.put("at", task.path("startedAt").asText(Instant.EPOCH.toString()));
      h.put("kind", "TASK");
      ObjectNode d = h.putObject("detail");
      d.put(
          "taskId",
          workflowId == null
              ? "unknown (the history file does not name its workflow id)"
              : workflowId);
      d.setAll(task);
      if (ended != null) {
        d.put("state", ended);
      } else if (!task.has("state")) {
        // The history ends while the task runs: its state as the workflow would report it.
        boolean waiting =
            steps.values().stream().anyMatch(s -> "AWAITING_APPROVAL".equals(s.state()));
        d.put("state", waiting ? "AWAITING_APPROVAL" : haltedBy != null ? "HALTED" : "RUNNING");
        if (haltedBy != null) {
          d.put("haltedBy", haltedBy);
        }
      }
      d.put(
          "finished",
          task.has("state") || (ended != null && !ended.startsWith("CONTINUED_AS_NEW")));
      runIds.forEach(d.putArray("runs")::add);
      d.put("auditEntries", log.size());
      long last = log.isEmpty() ? 0 : log.lastKey();
      ArrayNode missing = JSON.createArrayNode();
      for (long seq = 1; seq <= last; seq++) {
        if (!log.containsKey(seq)) {
          missing.add(seq);
        }
      }
      if (!missing.isEmpty()) {
        // seq is gap-free across runs: a gap means runs (or events) are missing from the input.
        d.set("missingAuditSeq", missing);
      }
      d.put(
          "source",
          "Temporal workflow history ("
              + runIds.size()
              + " run(s)): the workflow's audit markers, "
              + "signals and updates; no worker state used");
      return h;
    }
  }
}
