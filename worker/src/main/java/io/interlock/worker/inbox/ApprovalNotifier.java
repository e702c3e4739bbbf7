package io.interlock.worker.inbox;

import io.interlock.contract.values.PendingApproval;

/**
 * Tells people a write waits for them (webhook, chat). Called from the inbox activity; an
 * implementation must not throw for delivery problems it can report itself.
 */
public interface ApprovalNotifier {
  void awaitingApproval(PendingApproval pending);

  void settled(String taskId, String stepId, String state);
}
