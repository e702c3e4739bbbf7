package io.interlock.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.worker.proof.ApiIssuer;
import io.interlock.workflows.proof.BatchStatement;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The steps a {@code --batch TASK/STEP ...} names, each read from the API and required to wait for
 * approval: what the batch statement lists, in the order given.
 */
record BatchSelection(List<Selected> steps) {
  /** One chosen step: its task, the task's first run id and the step as the API shows it. */
  record Selected(String taskId, String taskRunId, JsonNode step) {
    String stepId() {
      return step.path("stepId").asText();
    }

    String callHash() {
      return step.path("callHash").asText();
    }
  }

  static BatchSelection read(ApiClient api, List<String> refs) {
    if (refs.size() > BatchStatement.MAX_ENTRIES) {
      throw new CliFailure(
          CliFailure.USAGE,
          "a batch holds at most " + BatchStatement.MAX_ENTRIES + " steps; split it");
    }
    Map<String, JsonNode> tasks = new LinkedHashMap<>();
    List<Selected> out = new ArrayList<>();
    for (String ref : refs) {
      int slash = ref.lastIndexOf('/');
      if (slash <= 0 || slash == ref.length() - 1) {
        throw new CliFailure(
            CliFailure.USAGE, "name each step as TASK/STEP (e.g. task-1/s2), not '" + ref + "'");
      }
      String taskId = ref.substring(0, slash);
      String stepId = ref.substring(slash + 1);
      JsonNode task =
          tasks.computeIfAbsent(taskId, id -> api.get("/api/tasks/" + ApiClient.enc(id)));
      JsonNode step = null;
      for (JsonNode s : task.path("steps")) {
        step = stepId.equals(s.path("stepId").asText()) ? s : step;
      }
      if (step == null || !"AWAITING_APPROVAL".equals(step.path("state").asText())) {
        throw new CliFailure(
            CliFailure.REFUSED,
            ref
                + " is "
                + (step == null ? "unknown" : step.path("state").asText())
                + ", not AWAITING_APPROVAL: leave it out of the batch (nothing was signed or sent)");
      }
      out.add(new Selected(taskId, task.path("taskRunId").asText(), step));
    }
    return new BatchSelection(out);
  }

  /** The statement the selection's approver signs: times within every step's deadline. */
  BatchStatement statement(
      String who, boolean approve, String text, long validSeconds, Instant now) {
    Instant notAfter = null;
    for (Selected s : steps) {
      Instant d = Instant.parse(s.step().path("deadline").asText());
      notAfter = notAfter == null || d.isBefore(notAfter) ? d : notAfter;
    }
    ApiIssuer.Window w = ApiIssuer.window(now, validSeconds, notAfter);
    List<BatchStatement.Entry> entries = new ArrayList<>();
    for (Selected s : steps) {
      entries.add(new BatchStatement.Entry(s.taskRunId(), s.stepId(), s.callHash()));
    }
    return new BatchStatement(
        who, approve ? "approve" : "reject", text, w.issuedAt(), w.expiresAt(), entries);
  }

  /** The signal body for {@code temporal workflow signal --name batch}: {statement, proof}. */
  static ObjectNode signed(BatchStatement st, Path key) {
    ObjectNode body = ApiClient.JSON.createObjectNode();
    body.set("statement", ApiClient.JSON.valueToTree(st));
    body.set("proof", SignCommand.sshProof(st.statement(), key));
    return body;
  }

  /** The REST body: {decision, comment, steps: [{taskId, stepId, callHash}]}. */
  ObjectNode request(boolean approve, String text) {
    ObjectNode body = ApiClient.JSON.createObjectNode();
    body.put("decision", approve ? "approve" : "reject");
    if (text != null) {
      body.put("comment", text);
    }
    ArrayNode list = body.putArray("steps");
    for (Selected s : steps) {
      list.addObject()
          .put("taskId", s.taskId())
          .put("stepId", s.stepId())
          .put("callHash", s.callHash());
    }
    return body;
  }

  /** One line per step of the API's answer; true when every step was accepted. */
  static boolean printOutcomes(PrintWriter out, JsonNode answer) {
    boolean all = true;
    out.println("batch " + answer.path("statementDigest").asText());
    for (JsonNode o : answer.path("outcomes")) {
      boolean ok = o.path("accepted").asBoolean();
      all &= ok;
      out.println(
          "  "
              + o.path("taskId").asText()
              + "/"
              + o.path("stepId").asText()
              + "  "
              + (ok
                  ? "accepted, now " + o.path("state").asText()
                  : "REFUSED: " + o.path("why").asText()));
    }
    return all;
  }
}
