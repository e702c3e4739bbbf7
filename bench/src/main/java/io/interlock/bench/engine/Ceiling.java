package io.interlock.bench.engine;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;

/**
 * The ceiling for tasks/s: a workflow that runs, in a row and doing nothing else, as many empty
 * local activities and activities as the engine's path did.
 */
final class Ceiling {
  static final String QUEUE = "bench-ceiling";

  private Ceiling() {}

  /** The engine's path: activities on a task queue and local ones (markers, no queue hop). */
  record Shape(int remote, int local) {
    @Override
    public String toString() {
      return local == 0
          ? remote + " empty activities"
          : local + " empty local and " + remote + " empty activities";
    }
  }

  @WorkflowInterface
  public interface Run {
    @WorkflowMethod
    int run(int activities, int localActivities);
  }

  @ActivityInterface
  public interface Noop {
    int noop(int i);
  }

  public static class RunImpl implements Run {
    private final Noop noop =
        Workflow.newActivityStub(
            Noop.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());

    private final Noop localNoop =
        Workflow.newLocalActivityStub(
            Noop.class,
            LocalActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .build());

    @Override
    public int run(int activities, int localActivities) {
      int sum = 0;
      for (int i = 0; i < localActivities; i++) {
        sum += localNoop.noop(i);
      }
      for (int i = 0; i < activities; i++) {
        sum += noop.noop(i);
      }
      return sum;
    }
  }

  public static class NoopImpl implements Noop {
    @Override
    public int noop(int i) {
      return i;
    }
  }
}
