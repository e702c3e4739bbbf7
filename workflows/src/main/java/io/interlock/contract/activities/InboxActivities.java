package io.interlock.contract.activities;

import io.interlock.contract.values.PendingApproval;
import io.temporal.activity.ActivityInterface;

/**
 * Keeps the approvals inbox and sends notifications: a local activity of the worker that runs the
 * gate on {@code interlock-tasks}, which registers it (runs started before version 3 of {@code
 * local-observations} schedule it on that queue). A failure here never blocks or breaks a task.
 */
@ActivityInterface
public interface InboxActivities {
  /** A write started waiting for approval. */
  void awaitingApproval(PendingApproval pending);

  /** A step left AWAITING_APPROVAL (approved, rejected, expired, blocked, or the task ended). */
  void settled(String taskId, String stepId, String state);
}
