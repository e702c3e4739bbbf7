package io.interlock.worker.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Renders a report for people: task, then each step's record, then the chained entry log. */
final class AuditMarkdown {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<ObjectNode> entries;
  private final String head;

  /** The key the JSON export is signed with, or null when it is exported unsigned. */
  private final String signedBy;

  private final StringBuilder md = new StringBuilder();

  AuditMarkdown(List<ObjectNode> entries, String head) {
    this(entries, head, null);
  }

  AuditMarkdown(List<ObjectNode> entries, String head, String signedBy) {
    this.entries = entries;
    this.head = head;
    this.signedBy = signedBy;
  }

  String render() {
    JsonNode task = entries.get(0).path("detail");
    md.append("# Audit report: ")
        .append(task.path("taskId").asText())
        .append("\n\n| | |\n|---|---|\n");
    row("requester", task.path("requester").asText());
    row("environment", task.path("environment").asText());
    row("goal", task.path("goal").asText());
    row(
        "state",
        task.path("state").asText()
            + (task.has("haltedBy") ? " by step " + task.path("haltedBy").asText() : "")
            + (task.path("finished").asBoolean() ? "" : " (history ends before the task did)"));
    row(
        "started",
        task.path("startedAt").asText() + " by `" + task.path("startedBy").asText() + "`");
    row("runs", task.path("runs").toString());
    row(
        "audit entries",
        task.path("auditEntries").asText()
            + (task.has("missingAuditSeq")
                ? "; MISSING seq " + task.path("missingAuditSeq")
                : " (gap-free)"));
    row("source", task.path("source").asText());
    row("chain head", "`" + head + "`");
    if (signedBy != null) {
      md.append("\nSigned by ")
          .append(signedBy)
          .append(" (verify the JSON export with `interlock audit verify`)\n");
    }
    md.append(
        "\nVerify the JSON export with `interlock audit verify <file.json>`; this Markdown is a rendering of it.\n");
    for (ObjectNode e : entries) {
      if ("STEP".equals(e.path("kind").asText())) {
        step(e.path("detail"));
      }
    }
    md.append(
        "\n## Entry log (hash-chained)\n\n| seq | at | kind | step | actor | server identity | hash |\n|---|---|---|---|---|---|---|\n");
    for (ObjectNode e : entries) {
      md.append("| ")
          .append(e.path("seq").asText())
          .append(" | ")
          .append(e.path("at").asText())
          .append(" | ")
          .append(e.path("kind").asText())
          .append(" | ")
          .append(e.path("stepId").asText(""))
          .append(" | ")
          .append(cell(e.path("actor").asText("")))
          .append(" | ")
          .append(cell(e.path("server").path("identity").asText("")))
          .append(" | `")
          .append(e.path("hash").asText().substring(7, 19))
          .append("` |\n");
    }
    return md.toString();
  }

  private void step(JsonNode s) {
    md.append("\n## Step ")
        .append(s.path("stepId").asText())
        .append(": `")
        .append(s.path("tool").asText("?"))
        .append("` (")
        .append(s.path("effect").asText("?"))
        .append(") — **")
        .append(s.path("state").asText())
        .append("**\n\n");
    md.append("Exact call:\n\n```json\n").append(s.path("callJson").asText()).append("\n```\n\n");
    item(
        "proposed",
        s.path("proposedAt").asText()
            + " by "
            + s.path("proposedBy").asText()
            + (s.has("proposedVia")
                ? " (server identity `"
                    + s.path("proposedVia").path("serverIdentity").asText()
                    + "`)"
                : ""),
        true);
    item(
        "callHash",
        "`"
            + s.path("callHash").asText()
            + "`"
            + (s.path("approvalRequest").path("hashMatchesCanonicalCall").asBoolean()
                ? " (matches the canonical call)"
                : ""),
        s.has("callHash"));
    item("rollback of", s.path("rollbackOf").asText(), s.has("rollbackOf"));
    item("rolled back by", s.path("rolledBackBy").asText(), s.has("rolledBackBy"));
    item(
        "approval deadline",
        s.path("approvalRequest").path("deadline").asText()
            + ", needs "
            + s.path("approvalRequest").path("requiredApprovals").asText()
            + " of "
            + s.path("approvalRequest").path("approvers"),
        s.has("approvalRequest"));
    item(
        "gate",
        s.path("gate").path("outcome").asText() + " at " + s.path("gate").path("at").asText(),
        s.has("gate"));
    item("halted the task", s.path("halted").path("at").asText(), s.has("halted"));
    item("no rollback", s.path("noRollback").path("why").asText(), s.has("noRollback"));
    item(
        "skipped",
        "not run: step " + s.path("skipped").path("haltedBy").asText() + " halted the task",
        s.has("skipped"));
    item("error", s.path("error").asText(), s.hasNonNull("error"));
    if (s.has("preview")) {
      JsonNode p = s.path("preview");
      md.append("\nPreview: ")
          .append(p.path("summary").asText())
          .append(" (")
          .append(p.path("dryRun").asText())
          .append(")\n\n");
      if (!p.path("diff").asText().isEmpty()) {
        md.append("```diff\n").append(p.path("diff").asText()).append("\n```\n");
      }
    }
    if (!s.path("policyDecisions").isEmpty()) {
      md.append(
          "\nPolicy decisions:\n\n| stage | at | allowed | rule | policy version | approvals needed | reason |\n|---|---|---|---|---|---|---|\n");
      for (JsonNode p : s.path("policyDecisions")) {
        md.append("| ")
            .append(p.path("stage").asText())
            .append(" | ")
            .append(p.path("at").asText())
            .append(" | ")
            .append(p.path("allowed").asText())
            .append(" | ")
            .append(p.path("ruleId").asText())
            .append(" | `")
            .append(p.path("policyVersion").asText())
            .append("` | ")
            .append(p.path("requiredApprovals").asText())
            .append(" | ")
            .append(cell(p.path("reason").asText()))
            .append(" |\n");
      }
    }
    if (!s.path("approvals").isEmpty()) {
      md.append(
          "\nApprovals, rejections and refusals:\n\n| at | decision | outcome | approver (payload) | proof | server identity | via | why / comment |\n|---|---|---|---|---|---|---|---|\n");
      for (JsonNode a : s.path("approvals")) {
        md.append("| ")
            .append(a.path("at").asText())
            .append(" | ")
            .append(a.path("decision").asText())
            .append(" | ")
            .append(a.path("outcome").asText())
            .append(" | ")
            .append(cell(a.path("approver").asText()))
            .append(" | ")
            .append(cell(proof(a.path("proof"))))
            .append(" | ")
            .append(cell(a.path("serverIdentity").asText()))
            .append(" | ")
            .append(cell(a.path("via").asText()))
            .append(" | ")
            .append(
                cell(a.path("why").asText(a.path("comment").asText(a.path("reason").asText("")))))
            .append(" |\n");
      }
    }
    if (s.has("execution")) {
      JsonNode x = s.path("execution");
      md.append("\nExecution: started ")
          .append(x.path("startedAt").asText("?"))
          .append(", finished ")
          .append(x.path("finishedAt").asText("?"))
          .append("\n\nBefore → after:\n\n");
      for (JsonNode d : s.path("delta")) {
        md.append("- `")
            .append(d.path("path").asText())
            .append("`: ")
            .append(d.path("before"))
            .append(" → ")
            .append(d.path("after"))
            .append('\n');
      }
    }
    if (s.has("verification")) {
      JsonNode v = s.path("verification");
      md.append("\nVerification: **")
          .append(v.path("verdict").asText())
          .append("**, confidence ")
          .append(v.path("confidence").asText())
          .append("\n\n");
      v.path("evidence").forEach(ev -> md.append("- ").append(ev.asText()).append('\n'));
    }
  }

  private void item(String k, String v, boolean present) {
    if (present) {
      md.append("- ").append(k).append(": ").append(v).append('\n');
    }
  }

  private void row(String k, String v) {
    md.append("| ").append(k).append(" | ").append(cell(v)).append(" |\n");
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  /** The proof as every view shows it; "—" where the refusal came before any proof was checked. */
  static String proof(JsonNode p) {
    if (!p.isObject()) {
      return "—";
    }
    try {
      return JSON.treeToValue(p, io.interlock.contract.values.ProofVerdict.class).label();
    } catch (Exception e) {
      return "unreadable proof record";
    }
  }
}
