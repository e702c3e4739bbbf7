package io.interlock.activities.policy;

import static io.interlock.activities.policy.PolicyChecks.QUIET;
import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.contract.activities.PolicyActivities;
import io.interlock.contract.activities.PolicyCheck;
import io.interlock.contract.values.PolicyDecision;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "Least privilege: a worker without environment E's configuration never receives E's activities")
class EnvironmentQueueIsolationTest {

  /** Schedules one policy check on the queue of the environment it names. */
  @WorkflowInterface
  public interface QueueProbe {
    @WorkflowMethod
    String probe(String environment);
  }

  public static class QueueProbeImpl implements QueueProbe {
    @Override
    public String probe(String environment) {
      PolicyActivities policy =
          Workflow.newActivityStub(
              PolicyActivities.class,
              ActivityOptions.newBuilder()
                  .setTaskQueue("interlock-env-" + environment)
                  // Nobody serving the queue must surface as a timeout, not a hang; short to keep
                  // the test fast.
                  .setScheduleToStartTimeout(Duration.ofSeconds(2))
                  .setStartToCloseTimeout(Duration.ofSeconds(30))
                  .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                  .build());
      try {
        PolicyDecision d = policy.check(PolicyChecks.scale(environment, 5));
        return "ran:" + d.ruleId();
      } catch (ActivityFailure f) {
        return f.getCause() instanceof TimeoutFailure t
            ? "timeout:" + t.getTimeoutType()
            : "failed:" + f.getCause();
      }
    }
  }

  private TestWorkflowEnvironment testEnv;
  private final List<String> seenByStagingWorker = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    testEnv = TestWorkflowEnvironment.newInstance();
    testEnv.newWorker("interlock-tasks").registerWorkflowImplementationTypes(QueueProbeImpl.class);
    PolicyActivitiesImpl staging = PolicyChecks.policy("staging", QUIET);
    PolicyActivities recording =
        new PolicyActivities() {
          @Override
          public PolicyDecision check(PolicyCheck check) {
            seenByStagingWorker.add(check.environment());
            return staging.check(check);
          }

          @Override
          public io.interlock.contract.activities.RequesterIdentity identify(
              io.interlock.contract.activities.RequesterCheck check) {
            seenByStagingWorker.add(check.environment());
            return staging.identify(check);
          }
        };
    // The staging worker: staging's policy only, polling only staging's queue.
    testEnv.newWorker("interlock-env-staging").registerActivitiesImplementations(recording);
    testEnv.start();
  }

  @AfterEach
  void stop() {
    testEnv.close();
  }

  private String probe(String environment) {
    QueueProbe probe =
        testEnv
            .getWorkflowClient()
            .newWorkflowStub(
                QueueProbe.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue("interlock-tasks")
                    .setWorkflowId("probe-" + environment)
                    .build());
    return probe.probe(environment);
  }

  @Test
  @DisplayName(
      "given only a staging worker, a prod activity should time out unstarted and the staging worker should never see it")
  void givenOnlyStagingWorker_prodActivityShouldNeverRunThere() {
    String result = probe("prod");

    assertThat(result).isEqualTo("timeout:TIMEOUT_TYPE_SCHEDULE_TO_START");
    assertThat(seenByStagingWorker).isEmpty();
  }

  @Test
  @DisplayName("given the staging worker, a staging activity should run on it")
  void givenStagingWorker_stagingActivityShouldRun() {
    assertThat(probe("staging")).isEqualTo("ran:allow");
    assertThat(seenByStagingWorker).containsExactly("staging");
  }
}
