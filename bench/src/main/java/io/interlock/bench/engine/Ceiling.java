package io.interlock.bench.engine;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;

/**
 * Ceilings measured on the same Temporal server: for tasks/s, a workflow that runs, in a row and
 * doing nothing else, as many empty local activities and activities as the engine's path did (from
 * its start, and from an update sent after its start, as an agent's first propose is); for a read,
 * an update that runs one empty local activity (the engine's read is one such update whose local
 * activity resolves, checks policy and reads).
 */
final class Ceiling {
  static final String QUEUE = "bench-ceiling";

  private Ceiling() {}

  /** The engine's path: activities on a task queue and local ones (markers, no queue hop). */
  record Shape(int remote, int local) {
    /** The activities and local activities (markers) scheduled in these events. */
    static Shape of(List<HistoryEvent> events) {
      int remote = 0;
      int local = 0;
      for (HistoryEvent e : events) {
        if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
          remote++;
        } else if (e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED
            && e.getMarkerRecordedEventAttributes().getMarkerName().equals("LocalActivity")) {
          local++;
        }
      }
      return new Shape(remote, local);
    }

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

  /** A workflow that answers updates, each after one empty local activity, until it is told. */
  @WorkflowInterface
  public interface Ask {
    @WorkflowMethod
    void serve();

    @UpdateMethod
    int ask(int i);

    @SignalMethod
    void done();
  }

  public static class AskImpl implements Ask {
    private final Noop localNoop = localNoop();
    private boolean done;

    @Override
    public void serve() {
      Workflow.await(() -> done);
    }

    @Override
    public int ask(int i) {
      return localNoop.noop(i);
    }

    @Override
    public void done() {
      done = true;
    }
  }

  /**
   * A workflow started, then sent one update that runs the activities empty and answers: the
   * Temporal calls of an agent that starts a task and proposes its first step (an update).
   */
  @WorkflowInterface
  public interface Proposed {
    @WorkflowMethod
    int run();

    @UpdateMethod
    int propose(int activities, int localActivities);
  }

  public static class ProposedImpl implements Proposed {
    private final RunImpl path = new RunImpl();
    private boolean proposed;
    private int sum;

    @Override
    public int run() {
      Workflow.await(() -> proposed);
      return sum;
    }

    @Override
    public int propose(int activities, int localActivities) {
      sum = path.run(activities, localActivities);
      proposed = true;
      return sum;
    }
  }

  /** A workflow that waits for an approving update, then runs its activities empty and ends. */
  @WorkflowInterface
  public interface Approved {
    @WorkflowMethod
    int run(int activities, int localActivities);

    @UpdateMethod
    void approve();
  }

  public static class ApprovedImpl implements Approved {
    private final RunImpl path = new RunImpl();
    private boolean approved;

    @Override
    public int run(int activities, int localActivities) {
      Workflow.await(() -> approved);
      return path.run(activities, localActivities);
    }

    @Override
    public void approve() {
      approved = true;
    }
  }

  /** The empty activity as a local one: a marker in the history, no task-queue hop. */
  private static Noop localNoop() {
    return Workflow.newLocalActivityStub(
        Noop.class,
        LocalActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());
  }

  /** A worker in this process serving both ceiling workflows and the empty activity. */
  static WorkerFactory worker(WorkflowClient client) {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    Worker worker = factory.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(
        RunImpl.class, AskImpl.class, ApprovedImpl.class, ProposedImpl.class);
    worker.registerActivitiesImplementations(new NoopImpl());
    factory.start();
    return factory;
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

    private final Noop localNoop = localNoop();

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
