package io.interlock.worker.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.contract.values.PendingApproval;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.contract.values.TargetRef;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Slack incoming-webhook payloads ({@code text} plus Block Kit {@code blocks}): pure functions of
 * what the workflow reported, so they are tested without a network.
 */
final class SlackMessage {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** Slack refuses section text over 3000 characters; the diff is cut well before that. */
  private static final int MAX_DIFF = 2500;

  private SlackMessage() {}

  static String taskLink(String publicUrl, String taskId) {
    String base =
        publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    return base + "/task.html?id=" + URLEncoder.encode(taskId, StandardCharsets.UTF_8);
  }

  static ObjectNode awaitingApproval(PendingApproval p, String publicUrl) {
    String link = taskLink(publicUrl, p.taskId());
    String summary = p.summary() == null ? p.tool() : p.summary();
    ObjectNode root = JSON.objectNode();
    root.put(
        "text",
        "Approval needed in "
            + p.environment()
            + ": "
            + summary
            + " (requested by "
            + p.requester()
            + ", step "
            + p.stepId()
            + " of "
            + p.taskId()
            + ") "
            + link);
    ArrayNode blocks = root.putArray("blocks");
    blocks.add(section("*Approval needed* in `" + esc(p.environment()) + "`: " + esc(summary)));
    ArrayNode fields = JSON.arrayNode();
    fields.add(mrkdwn("*Requester*\n" + esc(p.requester())));
    fields.add(mrkdwn("*Tool*\n`" + esc(p.tool()) + "`"));
    fields.add(mrkdwn("*Target*\n" + esc(target(p.target()))));
    fields.add(mrkdwn("*Deadline*\n" + esc(p.deadline())));
    PolicyDecision policy = p.policy();
    if (policy != null) {
      fields.add(mrkdwn("*Policy*\n" + esc(policy.ruleId()) + ": " + esc(policy.reason())));
      fields.add(
          mrkdwn(
              "*Approvals needed*\n"
                  + policy.requiredApprovals()
                  + " of "
                  + esc(String.join(", ", policy.approvers()))));
    }
    ObjectNode facts = JSON.objectNode().put("type", "section");
    facts.set("fields", fields);
    blocks.add(facts);
    if (p.goal() != null && !p.goal().isBlank()) {
      blocks.add(section("*Goal:* " + esc(p.goal())));
    }
    if (p.diff() != null && !p.diff().isBlank()) {
      String diff =
          p.diff().length() > MAX_DIFF
              ? p.diff().substring(0, MAX_DIFF) + "\n… (cut; full diff on the task page)"
              : p.diff();
      blocks.add(section("```" + esc(diff) + "```"));
    }
    ObjectNode context = JSON.objectNode().put("type", "context");
    context
        .putArray("elements")
        .add(
            mrkdwn(
                "call hash `"
                    + esc(p.callHash())
                    + "` · task `"
                    + esc(p.taskId())
                    + "` step `"
                    + esc(p.stepId())
                    + "`"));
    blocks.add(context);
    ObjectNode button =
        JSON.objectNode().put("type", "button").put("url", link).put("style", "primary");
    button.set(
        "text", JSON.objectNode().put("type", "plain_text").put("text", "Review in Interlock"));
    ObjectNode actions = JSON.objectNode().put("type", "actions");
    actions.putArray("elements").add(button);
    blocks.add(actions);
    return root;
  }

  static ObjectNode settled(String taskId, String stepId, String state, String publicUrl) {
    String link = taskLink(publicUrl, taskId);
    ObjectNode root = JSON.objectNode();
    root.put(
        "text",
        "Step "
            + stepId
            + " of "
            + taskId
            + " no longer waits for approval: "
            + state
            + " "
            + link);
    root.putArray("blocks")
        .add(
            section(
                "Step `"
                    + esc(stepId)
                    + "` of <"
                    + link
                    + "|"
                    + esc(taskId)
                    + "> no longer waits: *"
                    + esc(state)
                    + "*"));
    return root;
  }

  private static String target(TargetRef t) {
    if (t == null) {
      return "-";
    }
    return t.kind() + " " + (t.namespace() == null ? "" : t.namespace() + "/") + t.name();
  }

  private static ObjectNode section(String text) {
    ObjectNode s = JSON.objectNode().put("type", "section");
    s.set("text", mrkdwn(text));
    return s;
  }

  private static ObjectNode mrkdwn(String text) {
    return JSON.objectNode().put("type", "mrkdwn").put("text", text);
  }

  /** Slack's three control characters; everything else is shown as written. */
  static String esc(String s) {
    return s == null ? "-" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
