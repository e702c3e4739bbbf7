package io.interlock.gate;

import io.interlock.contract.activities.InboxActivities;
import io.interlock.contract.values.PendingApproval;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The inbox side channel as the tests observe it (the real index lives in the worker). */
final class RecordingInbox implements InboxActivities {
  final List<PendingApproval> awaiting = new CopyOnWriteArrayList<>();
  final List<String> settled = new CopyOnWriteArrayList<>();

  @Override
  public void awaitingApproval(PendingApproval pending) {
    awaiting.add(pending);
  }

  @Override
  public void settled(String taskId, String stepId, String state) {
    settled.add(taskId + "/" + stepId + "=" + state);
  }
}
