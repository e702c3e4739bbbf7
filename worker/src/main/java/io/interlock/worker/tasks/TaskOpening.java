package io.interlock.worker.tasks;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.views.TaskView;
import io.interlock.workflows.AgentTask;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.client.WorkflowUpdateTimeoutOrCancelledException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A task started together with its {@code open} update: the start and the task's first answer in
 * one Temporal call, waiting a bounded time (with no worker polling, the SDK would resend the call
 * until one accepted the update). A server without update-with-start gets a plain start.
 */
final class TaskOpening {
  /** How long a start waits for its answer; past it the start answers without it. */
  static final Duration ANSWER_WAIT = Duration.ofSeconds(10);

  private static final ScheduledExecutorService DEADLINES =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "interlock-start-deadlines");
            t.setDaemon(true);
            return t;
          });

  /** The task id names a task already. */
  static final class Taken extends RuntimeException {
    Taken(Throwable cause) {
      super(cause);
    }
  }

  /** The server refused the start as built (an unregistered search attribute, say); nothing ran. */
  static final class Refused extends RuntimeException {
    Refused(StatusRuntimeException cause) {
      super(cause.getStatus().getDescription(), cause);
    }
  }

  private TaskOpening() {}

  /**
   * Starts the task (its stub carries the workflow options) and returns its first answer, or null
   * when the answer did not come within {@code wait} or the task refused it: the task may then have
   * started or not, which the caller asks the server.
   *
   * @throws Taken when the id names a task already (nothing started)
   * @throws Refused when the server refused the start as built (nothing started)
   */
  static TaskView open(AgentTask task, TaskRequest request, Duration wait) {
    // A deadline on the gRPC context bounds every call the SDK makes for this one.
    Context.CancellableContext bounded =
        Context.current().withDeadlineAfter(wait.toMillis(), TimeUnit.MILLISECONDS, DEADLINES);
    try {
      return bounded.call(
          () ->
              WorkflowClient.executeUpdateWithStart(
                  task::open,
                  UpdateOptions.<TaskView>newBuilder()
                      .setWaitForStage(WorkflowUpdateStage.COMPLETED)
                      .build(),
                  new WithStartWorkflowOperation<>(task::run, request)));
    } catch (WorkflowUpdateException | WorkflowUpdateTimeoutOrCancelledException e) {
      return null;
    } catch (WorkflowServiceException e) {
      if (e.getCause() instanceof WorkflowUpdateTimeoutOrCancelledException) {
        return null;
      }
      Status.Code code =
          e.getCause() instanceof StatusRuntimeException s ? s.getStatus().getCode() : null;
      // The SDK rebuilds a refused start from the status code alone, whichever server refused it.
      if (code == Status.Code.ALREADY_EXISTS) {
        throw new Taken(e);
      }
      if (code == Status.Code.INVALID_ARGUMENT) {
        throw new Refused((StatusRuntimeException) e.getCause());
      }
      if (code == Status.Code.UNIMPLEMENTED || code == Status.Code.PERMISSION_DENIED) {
        // A server without update-with-start (older, or with ExecuteMultiOperation turned off):
        // a plain start, answered by the caller's status query as before.
        return startOnly(bounded, task, request);
      }
      throw e;
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      bounded.cancel(null);
    }
  }

  /** A plain start, for a server without update-with-start; no answer. */
  private static TaskView startOnly(Context bounded, AgentTask task, TaskRequest request) {
    try {
      bounded.run(() -> WorkflowClient.start(task::run, request));
      return null;
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new Taken(e);
    }
  }
}
