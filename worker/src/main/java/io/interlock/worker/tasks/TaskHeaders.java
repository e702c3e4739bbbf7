package io.interlock.worker.tasks;

import io.interlock.contract.views.TaskHeader;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Headers of tasks this API has asked, each with the run it last saw current, newest use kept. A
 * header is constant for a task's whole continue-as-new chain and a run id names one run of one
 * chain, so a command sent to that run needs neither a query (which the server answers by sending
 * the worker the task's whole history) nor a describe (which the embedded server answers by reading
 * it).
 */
final class TaskHeaders {
  /** A task's header and the run of its chain the API last saw current (null: ended since). */
  record Known(TaskHeader header, String runId) {}

  private final Map<String, Known> byTaskId;

  TaskHeaders(int capacity) {
    this.byTaskId =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
            return size() > capacity;
          }
        };
  }

  /** The task's header and the run to send commands to, or null when that run is not known. */
  synchronized Known known(String taskId) {
    Known k = byTaskId.get(taskId);
    return k == null || k.runId() == null ? null : k;
  }

  /** The cached header of the chain that started with {@code firstRunId}, or null. */
  synchronized TaskHeader get(String taskId, String firstRunId) {
    Known k = byTaskId.get(taskId);
    return k != null && !firstRunId.isEmpty() && firstRunId.equals(k.header().taskRunId())
        ? k.header()
        : null;
  }

  synchronized void put(TaskHeader h, String runId) {
    byTaskId.put(h.taskId(), new Known(h, runId));
  }

  /**
   * The run it named has ended: the next command asks the server which run is current (the header
   * stays, for that run if it is of the same chain).
   */
  synchronized void runEnded(String taskId) {
    Known k = byTaskId.get(taskId);
    if (k != null) {
      byTaskId.put(taskId, new Known(k.header(), null));
    }
  }
}
