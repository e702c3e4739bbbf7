package io.interlock.worker.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/** Everything the history says about one step, gathered while reading events. */
final class StepRecord {
  final String stepId;
  JsonNode call;
  String callSource;
  String proposedBy;
  JsonNode view;
  String firstSeen;
  int reads;
  String executionStartedEvent;
  int attempts;

  private JsonNode spec;
  private ObjectNode preview;
  private final ArrayNode policy = CanonicalJson.MAPPER.createArrayNode();
  private final ArrayNode decisions = CanonicalJson.MAPPER.createArrayNode();
  private final ArrayNode activityFailures = CanonicalJson.MAPPER.createArrayNode();
  private ObjectNode approvalRequest;
  private ObjectNode execution;
  private JsonNode before;
  private JsonNode after;
  private JsonNode verification;
  private JsonNode readResult;
  private JsonNode rollbackPlan;
  private String derivedState;

  StepRecord(String stepId) {
    this.stepId = stepId;
  }

  void call(JsonNode call, String source) {
    if (this.call == null && call != null && !call.isMissingNode() && !call.isNull()) {
      this.call = call;
      this.callSource = source;
    }
  }

  void view(JsonNode view) {
    this.view = view;
    if (call == null && view.hasNonNull("tool")) {
      ObjectNode c = CanonicalJson.MAPPER.createObjectNode();
      c.set("tool", view.get("tool"));
      c.set("args", view.path("args"));
      call(c, "step view");
    }
  }

  boolean rejectedBy(String approver) {
    return view != null && "REJECTED".equals(view.path("state").asText())
        && view.path("error").asText().startsWith("rejected by " + approver + ":");
  }

  /** One activity of this step, in history order. */
  void apply(String activity, JsonNode input, JsonNode result, String failure, String scheduledAt, String endedAt,
      String worker) {
    if (firstSeen == null) {
      firstSeen = scheduledAt;
    }
    if (failure != null) {
      ObjectNode f = activityFailures.addObject();
      f.put("activity", activity);
      f.put("at", endedAt);
      f.put("failure", failure);
    }
    switch (activity) {
      case "Resolve" -> {
        call(input.path(1), "resolve activity input");
        if (failure == null) {
          spec = result.path("spec");
          if (result.path("problems").size() > 0) {
            derivedState = "FAILED";
          }
        } else {
          derivedState = "FAILED";
        }
      }
      case "Read" -> {
        reads++;
        call(input.path(1), "read activity input");
        readResult = failure == null ? result : null;
        derivedState = failure == null ? "SUCCEEDED" : "FAILED";
      }
      case "Preview" -> {
        call(input.path(1), "preview activity input");
        if (failure == null) {
          preview = CanonicalJson.MAPPER.createObjectNode();
          preview.set("summary", result.path("summary"));
          preview.set("diff", result.path("diff"));
          preview.set("dryRun", result.path("dryRun"));
          preview.set("target", result.path("target"));
          preview.set("warnings", result.path("warnings"));
          preview.put("computedAt", endedAt);
          derivedState = "PREVIEWED";
        } else {
          derivedState = "FAILED";
        }
      }
      case "Check" -> {
        call(input.path(0).path("call"), "policy check input");
        ObjectNode p = policy.addObject();
        p.set("stage", input.path(0).path("stage"));
        p.put("at", endedAt);
        if (failure != null) {
          p.put("allowed", false);
          p.put("failure", failure);
          derivedState = "BLOCKED";
        } else {
          for (String f : new String[] {"allowed", "ruleId", "reason", "policyVersion", "requiredApprovals", "approvers",
              "observed", "overridableBy", "maxApprovalSeconds", "verifyBudgetSeconds"}) {
            p.set(f, result.path(f));
          }
          if (input.path(0).path("approvals").size() > 0) {
            p.set("approvalsSeen", input.path(0).path("approvals"));
          }
          boolean recheck = "RECHECK".equals(input.path(0).path("stage").asText());
          derivedState = result.path("allowed").asBoolean() ? (recheck ? "POLICY_RECHECKED" : "POLICY_CHECKED") : "BLOCKED";
        }
      }
      case "AwaitingApproval" -> {
        JsonNode pa = input.path(0);
        approvalRequest = CanonicalJson.MAPPER.createObjectNode();
        approvalRequest.set("callHash", pa.path("callHash"));
        approvalRequest.set("deadline", pa.path("deadline"));
        approvalRequest.set("since", pa.path("since"));
        approvalRequest.set("target", pa.path("target"));
        derivedState = "AWAITING_APPROVAL";
      }
      case "Settled" -> derivedState = input.path(2).asText(derivedState);
      case "Execute" -> {
        JsonNode req = input.path(0);
        call(req.path("call"), "execute activity input");
        execution = CanonicalJson.MAPPER.createObjectNode();
        execution.set("callHash", req.path("callHash"));
        execution.set("preconditions", req.path("approvedTarget"));
        execution.put("scheduledAt", scheduledAt);
        if (executionStartedEvent != null) {
          execution.put("activityStartedAt", executionStartedEvent);
          execution.put("attempt", attempts);
        }
        execution.put("activityEndedAt", endedAt);
        if (worker != null) {
          execution.put("workerIdentity", worker);
        }
        if (failure != null) {
          execution.put("failure", failure);
          derivedState = "FAILED";
        } else {
          execution.set("startedAt", result.path("startedAt"));
          execution.set("finishedAt", result.path("finishedAt"));
          execution.set("result", result.path("result"));
          before = result.path("before");
          after = result.path("after");
          derivedState = "VERIFYING";
        }
      }
      case "Verify" -> {
        verification = failure == null ? result : null;
        if (failure == null) {
          derivedState = result.path("verdict").asText("VERIFICATION_FAILED");
        } else {
          ObjectNode v = CanonicalJson.MAPPER.createObjectNode();
          v.put("verdict", "VERIFICATION_FAILED");
          v.put("confidence", "LOW");
          v.putArray("evidence").add("could not observe: " + failure);
          verification = v;
          derivedState = "VERIFICATION_FAILED";
        }
      }
      case "PlanRollback" -> rollbackPlan = failure == null ? result : null;
      default -> {
        // Other activities carry nothing step-specific.
      }
    }
  }

  void decision(String via, boolean approve, String approver, String serverIdentity, String at, JsonNode payload,
      Boolean accepted, String why) {
    ObjectNode d = decisions.addObject();
    d.put("decision", approve ? "approve" : "reject");
    d.put("via", via);
    d.put("approver", approver);
    d.put("serverIdentity", serverIdentity);
    d.put("at", at);
    d.set("callHash", payload.path("callHash"));
    if (payload.hasNonNull("comment")) {
      d.set("comment", payload.get("comment"));
    }
    if (payload.hasNonNull("reason")) {
      d.set("comment", payload.get("reason"));
    }
    if (payload.hasNonNull("breakGlass")) {
      d.set("breakGlass", payload.get("breakGlass"));
    }
    d.put("outcome", accepted == null ? "unknown (not yet in the history)" : accepted ? "accepted" : "refused");
    if (why != null) {
      d.put("why", why);
    }
  }

  ObjectNode toJson() {
    ObjectNode o = CanonicalJson.MAPPER.createObjectNode();
    o.put("stepId", stepId);
    if (call != null) {
      o.set("tool", call.path("tool"));
      o.set("call", call);
      o.put("callJson", CanonicalJson.of(call));
      o.put("callSource", callSource);
    }
    if (proposedBy != null) {
      o.put("proposedBy", proposedBy);
    }
    JsonNode effect = view != null && view.hasNonNull("effect") ? view.get("effect") : spec == null ? null : spec.path("effect");
    if (effect != null && !effect.isMissingNode()) {
      o.set("effect", effect);
    }
    String hash = approvalRequest != null ? approvalRequest.path("callHash").asText(null)
        : view != null ? view.path("callHash").asText(null) : null;
    if (hash != null) {
      o.put("callHash", hash);
    }
    if (view != null && view.hasNonNull("rollbackOf")) {
      o.set("rollbackOf", view.get("rollbackOf"));
    }
    if (preview != null) {
      o.set("preview", preview);
    }
    o.set("policyDecisions", policy);
    if (approvalRequest != null) {
      o.set("approvalRequest", approvalRequest);
    }
    o.set("approvals", decisions);
    if (execution != null) {
      o.set("execution", execution);
      o.set("before", before);
      o.set("after", after);
      o.set("delta", delta(before, after));
    }
    if (verification != null) {
      o.set("verification", verification);
    }
    if (readResult != null) {
      o.set("readResult", readResult);
    }
    if (rollbackPlan != null) {
      o.set("rollbackPlan", rollbackPlan);
    }
    if (activityFailures.size() > 0) {
      o.set("activityFailures", activityFailures);
    }
    String state = view != null && view.hasNonNull("state") && isFinal(view.get("state").asText())
        ? view.get("state").asText() : derivedState != null ? derivedState : view == null ? "PROPOSED" : view.path("state").asText();
    o.put("state", state);
    if (view != null && view.hasNonNull("error")) {
      o.set("error", view.get("error"));
    }
    return o;
  }

  private static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "BLOCKED", "REJECTED", "EXPIRED", "VERIFIED",
      "VERIFICATION_FAILED", "SKIPPED");

  private static boolean isFinal(String state) {
    return FINAL.contains(state);
  }

  /** Every leaf that differs between before and after, as {path, before, after}. */
  static ArrayNode delta(JsonNode before, JsonNode after) {
    ArrayNode out = CanonicalJson.MAPPER.createArrayNode();
    diff("", before, after, out);
    return out;
  }

  private static void diff(String path, JsonNode a, JsonNode b, ArrayNode out) {
    if (path.endsWith(".managedFields")) {
      return;
    }
    boolean aObj = a != null && a.isObject();
    boolean bObj = b != null && b.isObject();
    if (aObj && bObj) {
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
    if (a == null || a.isMissingNode() ? b == null || b.isMissingNode() : a.equals(b)) {
      return;
    }
    ObjectNode d = out.addObject();
    d.put("path", path.isEmpty() ? "." : path);
    d.set("before", a == null || a.isMissingNode() ? null : a);
    d.set("after", b == null || b.isMissingNode() ? null : b);
  }
}
