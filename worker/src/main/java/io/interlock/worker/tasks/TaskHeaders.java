package io.interlock.worker.tasks;

import io.interlock.contract.views.TaskHeader;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Headers of tasks this API has asked, newest use kept. A header is constant for a task's whole
 * continue-as-new chain, so a cached one is used only while the workflow id still names the chain
 * it was read from (its first run id): asking the task again is a query, which the server answers
 * by sending the worker the task's whole history.
 */
final class TaskHeaders {
  private final Map<String, TaskHeader> byTaskId;

  TaskHeaders(int capacity) {
    this.byTaskId =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, TaskHeader> eldest) {
            return size() > capacity;
          }
        };
  }

  /** The cached header of the chain that started with {@code firstRunId}, or null. */
  synchronized TaskHeader get(String taskId, String firstRunId) {
    TaskHeader h = byTaskId.get(taskId);
    return h != null && !firstRunId.isEmpty() && firstRunId.equals(h.taskRunId()) ? h : null;
  }

  synchronized void put(TaskHeader h) {
    byTaskId.put(h.taskId(), h);
  }
}
