package io.interlock.worker.temporal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.interlock.worker.config.InterlockConfig;
import io.interlock.workflows.TaskSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Registers the search attributes the AgentTask workflow upserts, so operators can find tasks by
 * state ({@code InterlockTaskState="AWAITING_APPROVAL"}). Idempotent: only missing ones are added.
 */
@ApplicationScoped
public class SearchAttributeRegistration {
  private static final Logger LOG = Logger.getLogger(SearchAttributeRegistration.class);

  private final InterlockConfig config;
  private final WorkflowServiceStubs stubs;

  public SearchAttributeRegistration(InterlockConfig config, WorkflowServiceStubs stubs) {
    this.config = config;
    this.stubs = stubs;
  }

  void register() {
    if (!config.temporal().registerSearchAttributes()) {
      return;
    }
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder(stubs.getOptions()).build());
    String ns = config.temporal().namespace();
    try {
      List<String> added = new ArrayList<>();
      for (SearchAttributeKey<?> key : TaskSearchAttributes.ALL) {
        // One at a time, each tolerating "already exists": the test server has no list call.
        try {
          operator
              .blockingStub()
              .addSearchAttributes(
                  AddSearchAttributesRequest.newBuilder()
                      .setNamespace(ns)
                      .putSearchAttributes(key.getName(), key.getValueType())
                      .build());
          added.add(key.getName());
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
            throw e;
          }
        }
      }
      if (!added.isEmpty()) {
        LOG.infof("registered search attributes %s in namespace %s", added, ns);
      }
    } catch (RuntimeException e) {
      // A real server may not let this worker administer the namespace; tasks still run, the
      // workflow's upserts then fail, so say exactly what to run instead.
      LOG.warnf(
          "could not register search attributes (%s). Register them once with:%n%s",
          e.getMessage(), commands());
    } finally {
      operator.shutdown();
    }
  }

  /** The Temporal CLI commands that register the attributes by hand. */
  public String commands() {
    StringBuilder sb = new StringBuilder();
    for (SearchAttributeKey<?> key : TaskSearchAttributes.ALL) {
      String type =
          key.getValueType() == IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST
              ? "KeywordList"
              : "Keyword";
      sb.append("  temporal operator search-attribute create --namespace ")
          .append(config.temporal().namespace())
          .append(" --name ")
          .append(key.getName())
          .append(" --type ")
          .append(type)
          .append('\n');
    }
    return sb.toString();
  }
}
