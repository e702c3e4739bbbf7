package io.interlock.activities.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.interlock.activities.tools.Observation;
import io.interlock.contract.values.Confidence;
import io.interlock.contract.values.Verdict;
import io.interlock.contract.values.Verification;
import io.interlock.gate.MovableClock;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The pool's heartbeats, as the server records them on the verify activity. */
class VerificationPoolTest {
  private static final String QUEUE = "verify-pool-test";

  @ActivityInterface
  public interface Probe {
    @ActivityMethod
    Verification verify();
  }

  @WorkflowInterface
  public interface ProbeWorkflow {
    @WorkflowMethod
    Verification run();
  }

  public static class ProbeWorkflowImpl implements ProbeWorkflow {
    @Override
    public Verification run() {
      return Workflow.newActivityStub(
              Probe.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofMinutes(5))
                  .setHeartbeatTimeout(Duration.ofSeconds(60))
                  .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                  .build())
          .verify();
    }
  }

  private final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
  private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T00:00:00Z"));
  private final VerificationPool pool =
      new VerificationPool(env.getWorkflowClient().newActivityCompletionClient(), clock, 2);

  @AfterEach
  void close() {
    pool.close();
    env.close();
  }

  @Test
  @DisplayName(
      "a verification sends no heartbeat in its first 15 s (the attempt's start is its sign of life), then one naming the next poll; the verdict still needs two agreeing polls")
  void firstHeartbeatOnlyWhenDue() {
    AtomicReference<Observation> now = new AtomicReference<>(Observation.progressing("rolling"));
    AtomicInteger polls = new AtomicInteger();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(ProbeWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        (Probe)
            () ->
                pool.start(
                    Duration.ofMinutes(4),
                    Duration.ofMillis(10),
                    () -> {
                      polls.incrementAndGet();
                      return now.get();
                    }));
    env.start();
    WorkflowClient client = env.getWorkflowClient();
    ProbeWorkflow wf =
        client.newWorkflowStub(
            ProbeWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId("probe").build());
    WorkflowExecution run = WorkflowClient.start(wf::run);

    await().atMost(Duration.ofSeconds(10)).until(() -> polls.get() >= 20);
    PendingActivityInfo quiet = pending(run);
    // The server records a heartbeat's details (the poll number); the start has none.
    assertThat(quiet.hasHeartbeatDetails())
        .as("no heartbeat before one is due: " + quiet)
        .isFalse();

    clock.advance(VerificationPool.HEARTBEAT_EVERY.plusSeconds(1));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(pending(run).hasHeartbeatDetails()).isTrue());
    int beatAt =
        env.getWorkflowClient()
            .getOptions()
            .getDataConverter()
            .fromPayloads(
                0, Optional.of(pending(run).getHeartbeatDetails()), Integer.class, Integer.class);
    assertThat(beatAt).as("the heartbeat names the poll it precedes").isGreaterThan(20);

    now.set(Observation.reached("3/3 ready"));
    Verification v = WorkflowStub.fromTyped(wf).getResult(Verification.class);
    assertThat(v.verdict()).isEqualTo(Verdict.VERIFIED);
    assertThat(v.confidence()).isEqualTo(Confidence.HIGH);
    assertThat(v.evidence()).contains("intended state observed on 2 consecutive polls");
  }

  private PendingActivityInfo pending(WorkflowExecution run) {
    List<PendingActivityInfo> activities =
        env.getWorkflowServiceStubs()
            .blockingStub()
            .describeWorkflowExecution(
                DescribeWorkflowExecutionRequest.newBuilder()
                    .setNamespace(env.getNamespace())
                    .setExecution(run)
                    .build())
            .getPendingActivitiesList();
    assertThat(activities).hasSize(1);
    return activities.get(0);
  }
}
