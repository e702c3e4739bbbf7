package io.interlock.worker.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The embedded server over many activities: its timer's ledger stays bounded and time flows. */
class EmbeddedTemporalTest {
  private static final String QUEUE = "embedded-temporal-test";

  @ActivityInterface
  public interface Echo {
    int echo(int i);
  }

  public static class EchoImpl implements Echo {
    @Override
    public int echo(int i) {
      return i;
    }
  }

  @WorkflowInterface
  public interface Run {
    @WorkflowMethod
    int run(int activities, long sleepMillis);
  }

  public static class RunImpl implements Run {
    private final Echo echo =
        Workflow.newActivityStub(
            Echo.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());

    @Override
    public int run(int activities, long sleepMillis) {
      int sum = 0;
      for (int i = 0; i < activities; i++) {
        sum += echo.echo(1);
      }
      Workflow.sleep(Duration.ofMillis(sleepMillis));
      return sum;
    }
  }

  @Test
  void manyActivitiesLeaveTheTimersLedgerBoundedAndTimersStillFire() throws Exception {
    try (EmbeddedTemporal temporal = new EmbeddedTemporal(0)) {
      WorkflowServiceStubs stubs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setChannel(temporal.channel()).build());
      WorkflowClient client = WorkflowClient.newInstance(stubs);
      WorkerFactory factory = WorkerFactory.newInstance(client);
      Worker worker = factory.newWorker(QUEUE);
      worker.registerWorkflowImplementationTypes(RunImpl.class);
      worker.registerActivitiesImplementations(new EchoImpl());
      factory.start();
      try {
        // Each activity leaves four entries in the unpatched server's ledger: over 4,000 in all.
        int activities = TimerLockLedger.KEPT;
        long t0 = System.nanoTime();
        int sum =
            client
                .newWorkflowStub(
                    Run.class, WorkflowOptions.newBuilder().setTaskQueue(QUEUE).build())
                .run(activities, 300);

        assertThat(sum).isEqualTo(activities);
        // The durable timer ran on real time: neither skipped nor stuck.
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(300));
        assertThat(TimerLockLedger.of(temporal.server()))
            .hasSizeLessThanOrEqualTo(TimerLockLedger.KEPT);
      } finally {
        factory.shutdownNow();
        stubs.shutdownNow();
      }
    }
  }

  @Test
  void anEntryDroppedForAgeStillUnlocks() {
    TimerLockLedger ledger = TimerLockLedger.empty();
    Object first = new Object();
    ledger.add(first);
    for (int i = 0; i < TimerLockLedger.KEPT; i++) {
      ledger.add(new Object());
    }

    assertThat(ledger).hasSize(TimerLockLedger.KEPT).doesNotContain(first);
    assertThat(ledger.remove(first)).isTrue();
    assertThat(ledger).hasSize(TimerLockLedger.KEPT);
  }
}
