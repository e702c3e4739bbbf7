package io.interlock.worker.tasks;

import io.interlock.contract.values.CallerText;
import io.interlock.contract.views.StepView;
import io.interlock.contract.views.TaskView;
import io.interlock.worker.api.ApiException;
import io.interlock.worker.auth.Caller;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * One step of a task, now or once it has settled. Waiting describes the task, which never reaches
 * the worker, and asks the worker again only when the history grew: a step changes only in a
 * workflow task, and every workflow task adds events. So a thousand agents waiting cost describes,
 * not status queries that each replay or ship a history.
 */
@ApplicationScoped
public class StepWatch {
  /**
   * A wait looks at the task's history length this often after a change, backing off to {@link
   * #LOOK_AT_MOST} while nothing happens (a human approval can take minutes).
   */
  static final Duration LOOK_EVERY = Duration.ofMillis(100);

  static final Duration LOOK_AT_MOST = Duration.ofMillis(400);

  /**
   * Waits hold a request thread each: one caller may hold this many, all callers together {@link
   * #WAITS_IN_ALL}, well under the server's 200 request threads, so waits never starve requests.
   */
  static final int WAITS_PER_CALLER = 64;

  static final int WAITS_IN_ALL = 128;

  private final TaskService tasks;
  private final Semaphore waitsInAll = new Semaphore(WAITS_IN_ALL);
  private final ConcurrentHashMap<String, Integer> waitsOpen = new ConcurrentHashMap<>();

  public StepWatch(TaskService tasks) {
    this.tasks = tasks;
  }

  /**
   * The step once it is final (VERIFIED, FAILED, REJECTED, ...) or when {@code wait} runs out,
   * whichever comes first; the same 404 as the task's for a caller who may not read it.
   */
  public StepView await(Caller caller, String taskId, String stepId, Duration wait) {
    if (wait.isZero()) {
      return stepOf(tasks.status(caller, taskId), stepId);
    }
    String who = caller.user();
    if (waitsOpen.merge(who, 1, Integer::sum) > WAITS_PER_CALLER) {
      closed(who);
      throw tooMany(who + " has " + WAITS_PER_CALLER + " waits open");
    }
    if (!waitsInAll.tryAcquire()) {
      closed(who);
      throw tooMany(WAITS_IN_ALL + " waits are open on this server");
    }
    try {
      return watch(caller, taskId, stepId, wait);
    } finally {
      waitsInAll.release();
      closed(who);
    }
  }

  private void closed(String who) {
    waitsOpen.computeIfPresent(who, (k, n) -> n <= 1 ? null : n - 1);
  }

  private static ApiException tooMany(String why) {
    return ApiException.tooMany(
        "too many waits open",
        why + ": each holds a request thread, so more would starve other requests",
        "wait for one to end, or ask without waitSeconds");
  }

  private StepView watch(Caller caller, String taskId, String stepId, Duration wait) {
    Instant until = Instant.now().plus(wait);
    WorkflowExecutionInfo seen = tasks.describe(taskId);
    StepView step = stepOf(tasks.status(caller, taskId, seen), stepId);
    long pause = LOOK_EVERY.toMillis();
    while (!step.state().isFinal() && Instant.now().isBefore(until)) {
      try {
        Thread.sleep(
            Math.min(pause, Math.max(1, Duration.between(Instant.now(), until).toMillis())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      WorkflowExecutionInfo now = tasks.describe(taskId);
      if (sameHistory(seen, now)) {
        pause = Math.min(pause * 2, LOOK_AT_MOST.toMillis());
        continue;
      }
      pause = LOOK_EVERY.toMillis();
      seen = now;
      step = stepOf(tasks.status(caller, taskId, now), stepId);
    }
    return step;
  }

  private static boolean sameHistory(WorkflowExecutionInfo a, WorkflowExecutionInfo b) {
    return a.getExecution().getRunId().equals(b.getExecution().getRunId())
        && a.getHistoryLength() == b.getHistoryLength()
        && a.getStatus() == b.getStatus();
  }

  private static StepView stepOf(TaskView task, String stepId) {
    return task.steps().stream()
        .filter(s -> s.stepId().equals(stepId))
        .findFirst()
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "task " + task.taskId() + " has no step '" + CallerText.shown(stepId) + "'",
                    "its steps are "
                        + (task.steps().isEmpty()
                            ? "none yet"
                            : task.steps().get(0).stepId()
                                + " to "
                                + task.steps().get(task.steps().size() - 1).stepId()),
                    "GET /api/tasks/" + task.taskId() + " lists its steps and their ids"));
  }
}
