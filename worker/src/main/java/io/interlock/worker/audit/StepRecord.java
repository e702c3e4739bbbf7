package io.interlock.worker.audit;

import static java.util.Map.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.contract.values.AuditKind;
import io.interlock.contract.values.PolicyStage;
import io.interlock.workflows.CanonicalJson;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** One step's record, applied from its audit entries in seq order. */
final class StepRecord {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where each kind's detail goes in the record ({at, outcome: kind, ...detail}). */
  private static final Map<AuditKind, String> SECTION =
      new EnumMap<>(
          Map.ofEntries(
              entry(AuditKind.AWAITING_APPROVAL, "approvalRequest"),
              entry(AuditKind.PRE_APPROVED, "gate"),
              entry(AuditKind.APPROVED, "gate"),
              entry(AuditKind.REJECTED, "gate"),
              entry(AuditKind.EXPIRED, "gate"),
              entry(AuditKind.EXECUTING, "execution"),
              entry(AuditKind.EXECUTED, "execution"),
              entry(AuditKind.EXECUTION_FAILED, "execution"),
              entry(AuditKind.VERIFIED, "verification"),
              entry(AuditKind.VERIFICATION_FAILED, "verification"),
              entry(AuditKind.HALTED, "halted"),
              entry(AuditKind.SKIPPED, "skipped"),
              entry(AuditKind.NO_ROLLBACK, "noRollback"),
              entry(AuditKind.RESUMED, "resumed"),
              entry(AuditKind.ROLLBACK_PROPOSED, "rollbackProposal")));

  final String stepId;
  private final ObjectNode o = JSON.createObjectNode();
  private String firstAt;

  StepRecord(String stepId) {
    this.stepId = stepId;
    o.put("stepId", stepId);
    // Stays so only for entries naming a step the workflow never proposed (an approval for "s9").
    o.put("state", "UNKNOWN");
  }

  String state() {
    return o.path("state").asText();
  }

  String firstAt() {
    return firstAt;
  }

  ObjectNode json() {
    return o;
  }

  void apply(ObjectNode e) {
    AuditKind kind = AuditKind.named(e.path("kind").asText());
    JsonNode d = e.path("detail");
    firstAt = firstAt == null ? e.path("at").asText() : firstAt;
    if (kind != null && kind.leadsTo() != null) {
      o.put("state", kind.leadsTo().name()); // as the workflow's StepView says it
    }
    if (kind == AuditKind.READ || kind == AuditKind.READ_FAILED) {
      o.put("effect", "READ");
    } else if (kind == AuditKind.PREVIEWED || kind == AuditKind.PREVIEW_FAILED) {
      o.put("effect", "WRITE");
    }
    if (d.hasNonNull("error")) {
      o.set(
          "error",
          d.get("error")); // failures, and HALTED's account of why the step stopped the task
    }
    if (kind == null) {
      return; // a kind this version does not know: the entry log keeps it as recorded
    }
    if (SECTION.containsKey(kind)) {
      String name = SECTION.get(kind);
      ObjectNode s = o.has(name) ? (ObjectNode) o.get(name) : o.putObject(name);
      s.set("at", e.path("at"));
      s.put("outcome", kind.name());
      s.setAll(obj(d));
    }
    switch (kind) {
      case PROPOSED -> {
        ObjectNode call = call(d.path("tool"), d.path("args"));
        o.set("tool", d.path("tool"));
        o.set("call", call);
        o.put("callJson", CanonicalJson.of(call));
        o.set("proposedBy", e.path("actor"));
        o.set("proposedAt", e.path("at"));
        o.set("proposedVia", e.has("server") ? server(e.get("server")) : e.path("server"));
        o.set("rollbackOf", d.path("rollbackOf"));
      }
      case PREVIEWED ->
          o.putObject("preview").put("at", e.path("at").asText()).setAll(obj(d.path("preview")));
      case ACCESS, POLICY, POLICY_RECHECK -> {
        list("policyDecisions").addObject().put("at", e.path("at").asText()).setAll(obj(d));
        // A denial leaves the state as it was: the BLOCKED entry that follows moves it.
        if (d.path("allowed").asBoolean()) {
          o.put("state", PolicyStage.recordedBy(kind).passed().name());
        }
      }
      case AWAITING_APPROVAL -> {
        o.set("callHash", d.path("callHash"));
        // Recomputed here: the canonical call shown is exactly what the approvers' hash names.
        ((ObjectNode) o.get("approvalRequest"))
            .put(
                "hashMatchesCanonicalCall",
                CanonicalJson.sha256(d.path("canonicalCall").asText())
                    .equals(d.path("callHash").asText()));
      }
      case EXECUTED -> o.set("delta", delta(d.path("before"), d.path("after")));
      case VERIFIED, VERIFICATION_FAILED ->
          ((ObjectNode) o.get("verification")).put("verdict", kind.name());
      case APPROVAL -> decision(e, true, "accepted");
      case APPROVAL_REPEATED -> decision(e, true, "repeated (idempotent, not counted again)");
      case REJECTED -> decision(e, false, "accepted");
      case REFUSED ->
          decision(
              e,
              d.path("approving")
                  .asBoolean(e.path("server").path("name").asText().equals("approve")),
              "refused");
      case RESOLVED -> {
        o.set("effect", d.path("effect"));
        o.set("idempotent", d.path("idempotent"));
        o.set("destructive", d.path("destructive"));
      }
      default -> {
        // Sections and states above cover the rest (TOOL_REFUSED: detail.error says why it FAILED).
      }
    }
  }

  void rolledBackBy(String rollbackStepId) {
    o.put("rolledBackBy", rollbackStepId);
  }

  /** A signal or update the history holds but the workflow has not (yet) recorded an entry for. */
  void unrecorded(ObjectNode server) {
    JsonNode p = server.path("payload");
    ObjectNode e = JSON.createObjectNode().put("at", server.path("at").asText());
    e.set("actor", p.path("approver"));
    e.putObject("detail").set("callHash", p.path("callHash"));
    e.set("server", server);
    firstAt = firstAt == null ? e.path("at").asText() : firstAt;
    String name = server.path("name").asText();
    decision(
        e,
        name.equals("decide") ? p.path("approve").asBoolean() : name.equals("approve"),
        "unrecorded (the workflow has not handled it yet)");
  }

  private void decision(ObjectNode e, boolean approving, String outcome) {
    ObjectNode a = list("approvals").addObject();
    a.set("at", e.path("at"));
    a.put("decision", approving ? "approve" : "reject");
    a.put("outcome", outcome);
    a.set("approver", e.path("actor"));
    if (e.has("server")) {
      a.setAll(server(e.get("server")));
    } else {
      a.put("via", "unknown (no signal or update before this entry in the history)");
    }
    a.setAll(obj(e.path("detail")));
    a.remove("approving");
    a.set("auditSeq", e.path("auditSeq"));
  }

  /** Who the Temporal server says sent the signal or update, and the payload it received. */
  private static ObjectNode server(JsonNode s) {
    ObjectNode v = JSON.createObjectNode();
    v.put("via", s.path("via").asText() + " " + s.path("name").asText());
    v.set("serverIdentity", s.path("identity"));
    v.set("serverAt", s.path("at"));
    v.putObject("serverEvent")
        .put("runId", s.path("runId").asText())
        .put("eventId", s.path("eventId").asLong());
    v.set("payload", s.path("payload"));
    return v;
  }

  private static ObjectNode obj(JsonNode n) {
    return n.isObject() ? (ObjectNode) n : JSON.createObjectNode();
  }

  private ArrayNode list(String name) {
    return o.has(name) ? (ArrayNode) o.get(name) : o.putArray(name);
  }

  /** A call as {tool, args}: absent args are the empty object, as the workflow stores them. */
  static ObjectNode call(JsonNode tool, JsonNode args) {
    ObjectNode c = JSON.createObjectNode();
    c.set("tool", tool);
    c.set("args", args.isObject() ? args : JSON.createObjectNode());
    return c;
  }

  /** Every leaf that differs between before and after, as {path, before, after}. */
  static ArrayNode delta(JsonNode before, JsonNode after) {
    ArrayNode out = JSON.createArrayNode();
    diff("", before, after, out);
    return out;
  }

  private static void diff(String path, JsonNode a, JsonNode b, ArrayNode out) {
    if (path.endsWith(".managedFields")) {
      return;
    }
    if (a != null && a.isObject() && b != null && b.isObject()) {
      Set<String> names = new TreeSet<>();
      a.fieldNames().forEachRemaining(names::add);
      for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      for (String n : names) {
        diff(path.isEmpty() ? n : path + "." + n, a.get(n), b.get(n), out);
      }
      return;
    }
    boolean aMissing = a == null || a.isMissingNode();
    boolean bMissing = b == null || b.isMissingNode();
    if (aMissing ? bMissing : a.equals(b)) {
      return;
    }
    ObjectNode d = out.addObject();
    d.put("path", path.isEmpty() ? "." : path);
    d.set("before", aMissing ? null : a);
    d.set("after", bMissing ? null : b);
  }
}
