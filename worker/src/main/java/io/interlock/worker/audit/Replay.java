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
  public record Outcome(
      String workflowId, String runId, int events, boolean deterministic, String error) {}

  public static List<Outcome> run(List<WorkflowExecutionHistory> histories) {
    List<Outcome> out = new ArrayList<>();
    for (WorkflowExecutionHistory h : histories) {
      String error = replay(h);
      if (error != null && error.contains("PotentialDeadlockException")) {
        // The SDK's 1 s deadlock detector also trips on a cold JVM (the first Ed25519 proof check
        // loads
        // BouncyCastle) on a loaded machine: a real deadlock trips again, a slow first run does
        // not.
        error = replay(h);
      }
      out.add(
          new Outcome(
              h.getWorkflowExecution().getWorkflowId(),
              h.getWorkflowExecution().getRunId(),
              h.getEvents().size(),
              error == null,
              error));
    }
    return out;
  }

  private static String replay(WorkflowExecutionHistory h) {
    try {
      ReplayResults r =
          WorkflowReplayer.replayWorkflowExecutions(
              List.of(h), false, AgentTaskImpl.class, EnvironmentLockImpl.class);
      return r.hadAnyError()
          ? r.allErrors().stream()
              .map(e -> String.valueOf(e.exception))
              .reduce((x, y) -> x + "; " + y)
              .orElse("error")
          : null;
    } catch (Exception e) {
      return e.toString();
    }
  }
}
