package io.interlock.worker.audit;

import io.interlock.worker.api.ApiException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.common.WorkflowExecutionHistory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The audit report of a task, from the history the Temporal server holds. */
@ApplicationScoped
public class AuditService {
  private final WorkflowClient client;

  public AuditService(WorkflowClient client) {
    this.client = client;
  }

  public AuditReport report(String taskId) {
    return AuditReport.fromHistory(runs(taskId));
  }

  /** Every run of the task, oldest first, exactly as the server holds them. */
  public List<WorkflowExecutionHistory> runs(String taskId) {
    try {
      return HistoryRuns.fetch(client, taskId);
    } catch (WorkflowNotFoundException e) {
      throw notFound(taskId);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw notFound(taskId);
      }
      throw e;
    } catch (RuntimeException e) {
      if (e.getCause() instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw notFound(taskId);
      }
      throw e;
    }
  }

  private static ApiException notFound(String taskId) {
    return ApiException.notFound("unknown task '" + taskId + "'", "list tasks with GET /api/tasks");
  }
}
