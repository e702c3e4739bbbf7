package io.interlock.workflows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.FailureType;
import io.interlock.workflows.gate.AgentTaskImpl;
import io.interlock.workflows.gate.ApprovalRules;
import io.temporal.failure.ApplicationFailure;

/**
 * The start input's rules, shared by the workflow (a bad start ends the task at once with the field
 * named, never loops) and the API (which answers 400 before starting anything).
 */
public final class TaskRequests {
  static final int MAX_NAME = 128;
  static final int MAX_GOAL = 4_000;
  static final long MAX_TIMEOUT_SECONDS = 366L * 86_400;

  /**
   * One call's JSON: well under Temporal's 2 MB payload limit even after preview and diff are
   * added.
   */
  public static final int MAX_CALL_BYTES = 256 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private TaskRequests() {}

  public static void check(TaskRequest r) {
    String problem = problem(r);
    if (problem != null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "invalid TaskRequest: " + problem, FailureType.INVALID_ARGS.type());
    }
  }

  /** What is wrong with a start input, naming the field; null when it may start. */
  public static String problem(TaskRequest r) {
    if (r == null || blank(r.requester()) || blank(r.environment())) {
      return "TaskRequest needs requester and environment, e.g. {\"requester\":\"agent:bot\",\"environment\":\"staging\"}";
    }
    if (r.requester().length() > MAX_NAME || r.environment().length() > MAX_NAME) {
      return "requester and environment are at most " + MAX_NAME + " characters";
    }
    if (r.goal() != null && r.goal().length() > MAX_GOAL) {
      return "goal is at most " + MAX_GOAL + " characters (got " + r.goal().length() + ")";
    }
    if (r.steps() != null) {
      if (r.steps().size() > AgentTaskImpl.MAX_STEPS) {
        return "steps: at most "
            + AgentTaskImpl.MAX_STEPS
            + " in a plan (got "
            + r.steps().size()
            + ")";
      }
      for (int i = 0; i < r.steps().size(); i++) {
        ToolCall c = r.steps().get(i);
        if (c == null || blank(c.tool())) {
          return "steps[" + i + "].tool: required, e.g. {\"tool\":\"k8s.get\",\"args\":{...}}";
        }
        String big = tooLarge(c);
        if (big != null) {
          return "steps[" + i + "]: " + big;
        }
        String secret = SecretLiterals.problem(c);
        if (secret != null) {
          return "steps[" + i + "]." + secret;
        }
      }
      int planBytes = r.steps().stream().mapToInt(StepBudget::bytes).sum();
      String open = StepBudget.openProblem("of this plan", 0, planBytes);
      if (open != null) {
        return "steps: the plan's calls are "
            + planBytes
            + " bytes of JSON; with the first preview they would exceed"
            + " the "
            + StepBudget.OPEN_BYTES
            + " byte budget of open calls; split the plan over tasks or steps";
      }
    }
    if (r.requesterProof() != null
        && ApprovalRules.tooLong(null, null, null, null, null, r.requesterProof()) != null) {
      return "requesterProof: "
          + ApprovalRules.tooLong(null, null, null, null, null, r.requesterProof());
    }
    String timeout = range("approvalTimeoutSeconds", r.approvalTimeoutSeconds());
    return timeout != null ? timeout : range("idleTimeoutSeconds", r.idleTimeoutSeconds());
  }

  /** Why a call is too large to hold in a task, or null. */
  public static String tooLarge(ToolCall c) {
    if (c.tool().length() > MAX_NAME) {
      return "tool names are at most " + MAX_NAME + " characters";
    }
    int bytes;
    try {
      bytes = JSON.writeValueAsBytes(c).length;
    } catch (JsonProcessingException e) {
      return "the call cannot be written as JSON";
    }
    return bytes <= MAX_CALL_BYTES
        ? null
        : "the call is "
            + bytes
            + " bytes of JSON; at most "
            + MAX_CALL_BYTES
            + " fit in a task (split the change, or apply large manifests outside Interlock)";
  }

  private static String range(String field, Long v) {
    return v != null && (v < 1 || v > MAX_TIMEOUT_SECONDS)
        ? field + ": between 1 and " + MAX_TIMEOUT_SECONDS + " seconds (got " + v + ")"
        : null;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
