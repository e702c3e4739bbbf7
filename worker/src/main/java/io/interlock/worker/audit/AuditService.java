package io.interlock.worker.audit;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.interlock.worker.api.ApiException;
import io.interlock.worker.auth.Caller;
import io.interlock.worker.config.InterlockConfig;
import io.interlock.worker.tasks.TaskParties;
import io.interlock.worker.tasks.TaskReaders;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.common.WorkflowExecutionHistory;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The audit report of a task, from the history the Temporal server holds. Its JSON export is signed
 * with {@code interlock.audit.signing-key} when that key is there ({@link AuditSigner}), and
 * exported unsigned, with a warning in the log, when it is not.
 */
@ApplicationScoped
public class AuditService {
  private static final Logger LOG = Logger.getLogger(AuditService.class);

  private final WorkflowClient client;
  private final InterlockConfig config;
  private final TaskReaders readers;
  private final AtomicBoolean warnedUnsigned = new AtomicBoolean();

  public AuditService(WorkflowClient client, InterlockConfig config, TaskReaders readers) {
    this.client = client;
    this.config = config;
    this.readers = readers;
  }

  /** The report, for a caller who may read the task (anyone else gets the unknown-task 404). */
  public AuditReport report(Caller caller, String taskId) {
    return AuditReport.fromHistory(runs(caller, taskId));
  }

  /** Every run of the task, oldest first, for a caller who may read it. */
  public List<WorkflowExecutionHistory> runs(Caller caller, String taskId) {
    List<WorkflowExecutionHistory> runs = runs(taskId);
    TaskParties parties = TaskParties.of(runs.get(runs.size() - 1));
    readers.require(caller, taskId, parties.requester(), parties.environment());
    return runs;
  }

  /** The JSON export: signed when the audit signing key is there. */
  public String json(AuditReport report) {
    return signer().map(s -> s.signedJson(report)).orElseGet(report::toJson);
  }

  /** The Markdown export; it names the key the JSON export is signed with. */
  public String markdown(AuditReport report) {
    return report.toMarkdown(signer().map(AuditSigner::keyId).orElse(null));
  }

  /** Read on every export, so a key created or rotated later takes effect without a restart. */
  private Optional<AuditSigner> signer() {
    String ref = config.audit().signingKey();
    Optional<AuditSigner> signer;
    try {
      signer = AuditSigner.fromReference(ref);
    } catch (IllegalArgumentException e) {
      LOG.warnf(
          "audit reports are exported UNSIGNED: the signing key %s cannot be used: %s",
          ref, e.getMessage());
      return Optional.empty();
    }
    if (signer.isEmpty() && warnedUnsigned.compareAndSet(false, true)) {
      LOG.warnf(
          "audit reports are exported UNSIGNED: the signing key %s is missing (set interlock.audit.signing-key"
              + " to env:VAR or file:/path of a private Ed25519 or P-256 JWK; './interlock dev' creates one)",
          ref);
    } else if (signer.isPresent()) {
      warnedUnsigned.set(false);
    }
    return signer;
  }

  /**
   * Every run of the task, oldest first, exactly as the server holds them (for the worker itself,
   * not a caller).
   */
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
      if (e.getCause() instanceof StatusRuntimeException s
          && s.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw notFound(taskId);
      }
      throw e;
    }
  }

  private static ApiException notFound(String taskId) {
    return TaskReaders.unknownTask(taskId);
  }
}
