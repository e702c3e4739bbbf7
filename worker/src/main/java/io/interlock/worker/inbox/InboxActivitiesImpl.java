package io.interlock.worker.inbox;

import io.interlock.contract.activities.InboxActivities;
import io.interlock.contract.values.PendingApproval;
import io.interlock.worker.tasks.TaskIndex;
import org.jboss.logging.Logger;

/**
 * The inbox activity (a local activity of the gate's own worker on {@code interlock-tasks}): keeps
 * the pending index and the task index up to date, then notifies. A notifier failure is logged,
 * never thrown: the workflow must not retry an index update because a webhook was down.
 */
public final class InboxActivitiesImpl implements InboxActivities {
  private static final Logger LOG = Logger.getLogger(InboxActivitiesImpl.class);

  private final PendingIndex pending;
  private final TaskIndex tasks;
  private final ApprovalNotifier notifier;

  public InboxActivitiesImpl(PendingIndex pending, TaskIndex tasks, ApprovalNotifier notifier) {
    this.pending = pending;
    this.tasks = tasks;
    this.notifier = notifier;
  }

  @Override
  public void awaitingApproval(PendingApproval p) {
    pending.put(p);
    tasks.heard(p.taskId(), p.requester(), p.environment(), p.goal());
    try {
      notifier.awaitingApproval(p);
    } catch (RuntimeException e) {
      LOG.warnf("notification for %s/%s failed: %s", p.taskId(), p.stepId(), e.getMessage());
    }
  }

  @Override
  public void settled(String taskId, String stepId, String state) {
    pending.remove(taskId, stepId);
    try {
      notifier.settled(taskId, stepId, state);
    } catch (RuntimeException e) {
      LOG.warnf("notification for %s/%s failed: %s", taskId, stepId, e.getMessage());
    }
  }
}
