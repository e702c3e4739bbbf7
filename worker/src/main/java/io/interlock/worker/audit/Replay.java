package io.interlock.worker.audit;

import io.interlock.workflows.gate.AgentTaskImpl;
import io.interlock.workflows.lock.EnvironmentLockImpl;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.ReplayResults;
import io.temporal.testing.WorkflowReplayer;
import java.util.ArrayList;
import java.util.List;

/** Replays saved histories against the current workflow code: a non-deterministic change fails. */
public final class Replay {
  private Replay() {}

  /** One history's verdict. */
  public record Outcome(String workflowId, String runId, int events, boolean deterministic, String error) {}

  public static List<Outcome> run(List<WorkflowExecutionHistory> histories) {
    List<Outcome> out = new ArrayList<>();
    for (WorkflowExecutionHistory h : histories) {
      String error = null;
      try {
        ReplayResults r = WorkflowReplayer.replayWorkflowExecutions(List.of(h), false, AgentTaskImpl.class, EnvironmentLockImpl.class);
        if (r.hadAnyError()) {
          error = r.allErrors().stream().map(e -> String.valueOf(e.exception)).reduce((a, b) -> a + "; " + b).orElse("error");
        }
      } catch (Exception e) {
        error = e.toString();
      }
      out.add(new Outcome(h.getWorkflowExecution().getWorkflowId(), h.getWorkflowExecution().getRunId(),
          h.getEvents().size(), error == null, error));
    }
    return out;
  }
}
