package io.interlock.worker.inbox;

import io.interlock.contract.values.PendingApproval;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** No notifications unless another bean provides an {@link ApprovalNotifier} (webhooks). */
@ApplicationScoped
public class NotifierProducer {
  @Produces
  @DefaultBean
  @ApplicationScoped
  ApprovalNotifier none() {
    return new ApprovalNotifier() {
      @Override
      public void awaitingApproval(PendingApproval pending) {}

      @Override
      public void settled(String taskId, String stepId, String state) {}
    };
  }
}
