package io.interlock.workflows;

import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.FailureType;
import io.temporal.failure.ApplicationFailure;

/** The start input's rules: a bad one ends the task at once with the field named, never loops. */
final class TaskRequests {
  static final int MAX_NAME = 128;
  static final int MAX_GOAL = 4_000;
  static final long MAX_TIMEOUT_SECONDS = 366L * 86_400;

  private TaskRequests() {}

  static void check(TaskRequest r) {
    if (r == null || blank(r.requester()) || blank(r.environment())) {
      throw invalid("TaskRequest needs requester and environment, e.g. {\"requester\":\"agent:bot\",\"environment\":\"staging\"}");
    }
    if (r.requester().length() > MAX_NAME || r.environment().length() > MAX_NAME) {
      throw invalid("requester and environment are at most " + MAX_NAME + " characters");
    }
    if (r.goal() != null && r.goal().length() > MAX_GOAL) {
      throw invalid("goal is at most " + MAX_GOAL + " characters (got " + r.goal().length() + ")");
    }
    if (r.steps() != null) {
      if (r.steps().size() > AgentTaskImpl.MAX_STEPS) {
        throw invalid("steps: at most " + AgentTaskImpl.MAX_STEPS + " in a plan (got " + r.steps().size() + ")");
      }
      for (int i = 0; i < r.steps().size(); i++) {
        ToolCall c = r.steps().get(i);
        if (c == null || blank(c.tool())) {
          throw invalid("steps[" + i + "].tool: required, e.g. {\"tool\":\"k8s.get\",\"args\":{...}}");
        }
      }
    }
    range("approvalTimeoutSeconds", r.approvalTimeoutSeconds());
    range("idleTimeoutSeconds", r.idleTimeoutSeconds());
  }

  private static void range(String field, Long v) {
    if (v != null && (v < 1 || v > MAX_TIMEOUT_SECONDS)) {
      throw invalid(field + ": between 1 and " + MAX_TIMEOUT_SECONDS + " seconds (got " + v + ")");
    }
  }

  private static ApplicationFailure invalid(String why) {
    return ApplicationFailure.newNonRetryableFailure("invalid TaskRequest: " + why, FailureType.INVALID_ARGS.type());
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
