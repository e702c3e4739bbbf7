package io.interlock.worker.temporal;

import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client per signed-in person, sharing the stubs, so the identity the Temporal server records
 * on a signal or update is {@code interlock-api:<user>} and matches the approver in the payload.
 */
@ApplicationScoped
public class ClientsByIdentity {
  public static final String PREFIX = "interlock-api:";

  private final WorkflowServiceStubs stubs;
  private final TemporalConnection connection;
  private final Map<String, WorkflowClient> clients = new ConcurrentHashMap<>();

  public ClientsByIdentity(WorkflowServiceStubs stubs, TemporalConnection connection) {
    this.stubs = stubs;
    this.connection = connection;
  }

  public WorkflowClient of(String user) {
    return clients.computeIfAbsent(
        user, u -> WorkflowClient.newInstance(stubs, connection.options(PREFIX + u)));
  }
}
