package io.interlock.worker.inbox;

import io.interlock.contract.values.PendingApproval;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.interlock.contract.views.TaskView;
import io.interlock.worker.config.InterlockConfig;
import io.interlock.worker.tasks.TaskIndex;
import io.interlock.workflows.AgentTask;
import io.temporal.client.WorkflowClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * After a restart against a real server, refills the in-memory inbox from visibility (tasks whose
 * {@code InterlockTaskState} is AWAITING_APPROVAL) and one status query each. The embedded server
 * has no list queries and starts empty, so dev mode on it skips this (dev mode on an external
 * server rebuilds like a server).
 */
@ApplicationScoped
public class InboxRebuild {
  private static final Logger LOG = Logger.getLogger(InboxRebuild.class);
  static final String QUERY =
      "WorkflowType='"
          + AgentTask.TYPE
          + "' AND ExecutionStatus='Running' AND InterlockTaskState='AWAITING_APPROVAL'";

  private final InterlockConfig config;
  private final WorkflowClient client;
  private final PendingIndex pending;
  private final TaskIndex tasks;

  public InboxRebuild(
      InterlockConfig config, WorkflowClient client, PendingIndex pending, TaskIndex tasks) {
    this.config = config;
    this.client = client;
    this.pending = pending;
    this.tasks = tasks;
  }

  public void rebuild() {
    boolean embedded =
        config.mode() == InterlockConfig.Mode.dev && config.dev().temporalTarget().isEmpty();
    if (embedded || !config.temporal().rebuildInbox()) {
      return;
    }
    try {
      long[] count = {0};
      client
          .listExecutions(QUERY)
          .forEach(
              meta -> {
                TaskView t =
                    client
                        .newWorkflowStub(AgentTask.class, meta.getExecution().getWorkflowId())
                        .status();
                tasks.heard(t.taskId(), t.requester(), t.environment(), t.goal());
                for (StepView s : t.steps()) {
                  if (s.state() == StepState.AWAITING_APPROVAL) {
                    pending.put(
                        new PendingApproval(
                            t.taskId(),
                            s.stepId(),
                            t.environment(),
                            t.requester(),
                            t.goal(),
                            s.tool(),
                            s.preview() == null ? null : s.preview().target(),
                            s.preview() == null ? null : s.preview().summary(),
                            s.preview() == null ? null : s.preview().diff(),
                            s.callHash(),
                            s.policy() == null ? null : s.policy().withoutKeys(),
                            s.proposedAt(),
                            s.deadline()));
                    count[0]++;
                  }
                }
              });
      LOG.infof("inbox rebuilt from visibility: %d pending approvals", count[0]);
    } catch (RuntimeException e) {
      LOG.warnf(
          "could not rebuild the inbox from visibility (%s); it fills again as tasks report",
          e.getMessage());
    }
  }
}
