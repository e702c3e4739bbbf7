package io.interlock.bench.engine;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;

/** The ceiling for tasks/s: a workflow that runs k empty activities in a row and nothing else. */
final class Ceiling {
  static final String QUEUE = "bench-ceiling";

  private Ceiling() {}

  @WorkflowInterface
  public interface Run {
    @WorkflowMethod
    int run(int activities);
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

    @Override
    public int run(int activities) {
      int sum = 0;
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
