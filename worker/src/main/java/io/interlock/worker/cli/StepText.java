package io.interlock.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** How the CLI shows tasks and steps to a person about to decide. */
final class StepText {
  private StepText() {}

  static void task(PrintWriter out, JsonNode t) {
    out.println("task " + t.path("taskId").asText() + "  [" + t.path("state").asText() + "]");
    out.println(
        "  requester:   "
            + t.path("requester").asText()
            + (t.has("requesterProof") ? "  " + proofLabel(t.path("requesterProof")) : ""));
    out.println("  environment: " + t.path("environment").asText());
    out.println("  goal:        " + t.path("goal").asText());
    if (t.hasNonNull("haltedBy")) {
      out.println("  halted by:   " + t.path("haltedBy").asText());
    }
    out.println("  steps:");
    for (JsonNode s : t.path("steps")) {
      out.println("    " + oneLine(s));
    }
  }

  static String oneLine(JsonNode s) {
    String summary = s.path("preview").path("summary").asText("");
    return String.format(
        "%-4s %-20s %-6s %-18s %s",
        s.path("stepId").asText(),
        s.path("tool").asText(),
        s.path("effect").asText("?"),
        s.path("state").asText(),
        summary.isEmpty() ? ApiClient.JSON.valueToTree(s.path("args")).toString() : summary);
  }

  /**
   * Everything an approver must see before deciding: the exact call, the diff, policy, deadline.
   */
  static void pendingDetail(PrintWriter out, JsonNode s) {
    out.println();
    out.println("Step " + s.path("stepId").asText() + " waits for approval");
    out.println("  exact call:  " + callJson(s));
    out.println("  target:      " + target(s.path("preview").path("target")));
    out.println("  summary:     " + s.path("preview").path("summary").asText());
    JsonNode p = s.path("policy");
    out.println(
        "  policy:      "
            + (p.path("allowed").asBoolean() ? "allowed" : "DENIED")
            + " by rule "
            + p.path("ruleId").asText()
            + " (policy "
            + shortHash(p.path("policyVersion").asText())
            + "): "
            + p.path("reason").asText());
    out.println(
        "  approvals:   "
            + s.path("approvals").size()
            + " of "
            + p.path("requiredApprovals").asInt()
            + " from "
            + p.path("approvers"));
    if (p.path("overridableBy").size() > 0) {
      out.println(
          "  break glass: only "
              + p.path("overridableBy")
              + " may override (interlock approve --break-glass REASON)");
    }
    out.println(
        "  deadline:    "
            + s.path("deadline").asText()
            + deadlineLeft(s.path("deadline").asText()));
    out.println("  callHash:    " + s.path("callHash").asText());
    for (JsonNode w : s.path("preview").path("warnings")) {
      out.println("  WARNING:     " + w.asText());
    }
    for (JsonNode a : s.path("approvals")) {
      out.println(
          "  approved:    "
              + a.path("approver").asText()
              + " at "
              + a.path("at").asText()
              + "  "
              + proofLabel(a.path("proof")));
    }
    for (JsonNode r : s.path("refusals")) {
      out.println(
          "  refused:     "
              + r.path("approver").asText()
              + " at "
              + r.path("at").asText()
              + ": "
              + r.path("why").asText());
    }
    String diff = s.path("preview").path("diff").asText("");
    if (!diff.isEmpty()) {
      out.println("  diff:");
      for (String line : diff.split("\n")) {
        out.println("    " + line);
      }
    }
  }

  static void finishedDetail(PrintWriter out, JsonNode s) {
    for (JsonNode a : s.path("approvals")) {
      out.println(
          "  "
              + s.path("stepId").asText()
              + " approved by "
              + a.path("approver").asText()
              + "  "
              + proofLabel(a.path("proof")));
    }
    if (s.hasNonNull("error")) {
      out.println("  " + s.path("stepId").asText() + " error: " + s.path("error").asText());
    }
    JsonNode v = s.path("verification");
    if (v.hasNonNull("verdict")) {
      out.println(
          "  "
              + s.path("stepId").asText()
              + " verification: "
              + v.path("verdict").asText()
              + " ("
              + v.path("confidence").asText()
              + ") "
              + v.path("evidence"));
    }
  }

  /** Copy-pasteable approvals three ways, with this step's hash filled in. */
  static void approvalCommands(
      PrintWriter out, JsonNode task, JsonNode s, JsonNode info, String server) {
    String id = task.path("taskId").asText();
    String step = s.path("stepId").asText();
    String hash = s.path("callHash").asText();
    out.println();
    out.println(
        "  Approve "
            + step
            + " (allowed by policy, not the requester, and proven: the API signs for your token,");
    out.println("  or you sign with your SSH key):");
    out.println(
        "    interlock approve "
            + id
            + " "
            + step
            + " --server "
            + server
            + " --token <your token>");
    out.println(
        "    curl -s -X POST " + server + "/api/tasks/" + id + "/steps/" + step + "/approve \\");
    out.println(
        "      -H 'Authorization: Bearer <your token>' -H 'Content-Type: application/json' -d '{\"callHash\":\""
            + hash
            + "\"}'");
    out.println(
        "    temporal workflow signal --address "
            + info.path("temporal").path("target").asText()
            + " --namespace "
            + info.path("temporal").path("namespace").asText()
            + " \\");
    out.println("      --workflow-id " + id + " --name approve \\");
    out.println(
        "      --input \"$(interlock sign "
            + id
            + " "
            + step
            + " --as <you> --key ~/.ssh/id_ed25519 --server "
            + server
            + " --token <your token>)\"");
  }

  /**
   * The contract's own label ({@link io.interlock.contract.values.ProofVerdict#label()}); no
   * verdict is an unverified claim.
   */
  static String proofLabel(JsonNode p) {
    if (!p.isObject()) {
      return "unverified claim";
    }
    try {
      return ApiClient.JSON.treeToValue(p, io.interlock.contract.values.ProofVerdict.class).label();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return "unreadable proof record";
    }
  }

  static String callJson(JsonNode s) {
    var call = ApiClient.JSON.createObjectNode();
    call.set("tool", s.path("tool"));
    call.set("args", s.path("args"));
    return call.toString();
  }

  private static String target(JsonNode t) {
    if (t.isMissingNode() || t.isNull()) {
      return "?";
    }
    return t.path("kind").asText()
        + " "
        + t.path("namespace").asText()
        + "/"
        + t.path("name").asText()
        + " (uid "
        + t.path("uid").asText()
        + ", resourceVersion "
        + t.path("resourceVersion").asText()
        + ")";
  }

  private static String shortHash(String h) {
    return h.length() > 19 ? h.substring(0, 19) + "…" : h;
  }

  private static String deadlineLeft(String deadline) {
    try {
      Duration left = Duration.between(Instant.now(), Instant.parse(deadline));
      return left.isNegative() ? " (passed)" : " (in " + left.toMinutes() + " min)";
    } catch (DateTimeParseException | NullPointerException e) {
      return "";
    }
  }
}
