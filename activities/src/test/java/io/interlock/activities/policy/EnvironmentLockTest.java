package io.interlock.activities.policy;

import static io.interlock.activities.policy.PolicyChecks.ALLOW_ALL;
import static io.interlock.activities.policy.PolicyChecks.scale;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.interlock.contract.values.PolicyDecision;
import io.interlock.workflows.lock.EnvironmentLock;
import io.interlock.workflows.lock.EnvironmentLockClient;
import io.interlock.workflows.lock.EnvironmentLockImpl;
import io.interlock.workflows.lock.LockEvent;
import io.interlock.workflows.lock.LockLedger;
import io.interlock.workflows.lock.LockState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Environment locks: a durable entity workflow per environment, read by the policy")
class EnvironmentLockTest {
  private TestWorkflowEnvironment testEnv;
  private EnvironmentLockClient locks;
  private LockReader reader;

  @BeforeEach
  void start() {
    testEnv = TestWorkflowEnvironment.newInstance();
    testEnv
        .newWorker(EnvironmentLock.TASK_QUEUE)
        .registerWorkflowImplementationTypes(EnvironmentLockImpl.class);
    testEnv.start();
    locks = new EnvironmentLockClient(testEnv.getWorkflowClient());
    reader = LockReader.temporal(testEnv.getWorkflowClient());
  }

  @AfterEach
  void stop() {
    testEnv.close();
  }

  private Instant now() {
    return Instant.ofEpochMilli(testEnv.currentTimeMillis());
  }

  private PolicyActivitiesImpl policyNow() {
    return new PolicyActivitiesImpl(
        PolicyChecks.defaultPolicy(),
        "staging",
        Clock.fixed(now(), ZoneOffset.UTC),
        reader,
        ALLOW_ALL);
  }

  @Test
  @DisplayName("given no lock workflow, should read unlocked")
  void givenNeverLocked_shouldReadUnlocked() {
    assertThat(reader.read("staging")).isEqualTo(LockState.unlocked("staging"));
    assertThat(locks.history("staging")).isEmpty();
  }

  @Test
  @DisplayName(
      "given an agent's workflow squatting the lock id, writes are not blocked, the squatter is removed, and locking still works")
  void givenSquatter_shouldReclaimTheLockId() {
    io.temporal.client.WorkflowStub squatter =
        testEnv
            .getWorkflowClient()
            .newUntypedWorkflowStub(
                "AgentTask",
                WorkflowOptions.newBuilder()
                    .setTaskQueue("nobody-polls-this")
                    .setWorkflowId(EnvironmentLock.workflowId("staging"))
                    .build());
    squatter.start(java.util.Map.of("requester", "agent:bot", "environment", "staging"));

    assertThat(reader.read("staging")).isEqualTo(LockState.unlocked("staging"));
    PolicyDecision d = policyNow().check(scale("staging", 3));
    assertThat(d.allowed()).as(d.reason()).isTrue();
    assertThat(
            testEnv
                .getWorkflowClient()
                .newUntypedWorkflowStub(EnvironmentLock.workflowId("staging"))
                .describe()
                .getWorkflowExecutionInfo()
                .getStatus())
        .isEqualTo(
            io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);

    assertThat(locks.lock("staging", "carol", "migration", null).locked()).isTrue();
    assertThat(reader.read("staging").locked()).isTrue();
  }

  @Test
  @DisplayName(
      "given a lock, should be visible to the reader and block a write with environment.lock")
  void givenLock_shouldBlockWrites() {
    Instant until = now().plus(Duration.ofHours(1));
    LockState state = locks.lock("staging", "carol", "database migration", until);

    assertThat(state.locked()).isTrue();
    assertThat(reader.read("staging"))
        .satisfies(
            s -> {
              assertThat(s.locked()).isTrue();
              assertThat(s.by()).isEqualTo("carol");
              assertThat(s.why()).isEqualTo("database migration");
              assertThat(s.until()).isEqualTo(until.toString());
            });
    PolicyDecision d = policyNow().check(scale("staging", 5));
    assertThat(d.allowed()).isFalse();
    assertThat(d.ruleId()).isEqualTo("environment.lock");
    assertThat(d.reason()).contains("locked by carol", "database migration", until.toString());
  }

  @Test
  @DisplayName("given a lock set while an approval was pending, should block the write at RECHECK")
  void givenLockDuringApproval_shouldBlockAtRecheck() {
    var proposed = scale("staging", 5);
    assertThat(policyNow().check(proposed).allowed()).isTrue();

    locks.lock("staging", "carol", "incident INC-7", null);

    PolicyDecision d =
        policyNow()
            .check(PolicyChecks.recheck(proposed, List.of(PolicyChecks.approval("alice")), null));
    assertThat(d.allowed()).isFalse();
    assertThat(d.ruleId()).isEqualTo("environment.lock");
    assertThat(d.reason()).contains("until unlocked", "incident INC-7");
  }

  @Test
  @DisplayName("given a lock with until, should expire by itself at that time and record EXPIRED")
  void givenUntil_shouldExpire() {
    locks.lock("staging", "carol", "maintenance", now().plus(Duration.ofMinutes(30)));

    testEnv.sleep(Duration.ofMinutes(31));

    assertThat(reader.read("staging").locked()).isFalse();
    assertThat(locks.history("staging"))
        .extracting(LockEvent::kind)
        .containsExactly(LockEvent.LOCKED, LockEvent.EXPIRED);
    assertThat(policyNow().check(scale("staging", 5)).allowed()).isTrue();
  }

  @Test
  @DisplayName("given unlock, should clear the lock, record who and why, and let writes pass")
  void givenUnlock_shouldClear() {
    locks.lock("staging", "carol", "incident", null);
    assertThat(policyNow().check(scale("staging", 5)).ruleId()).isEqualTo("environment.lock");

    LockState after = locks.unlock("staging", "bob", "incident resolved");

    assertThat(after.locked()).isFalse();
    assertThat(locks.history("staging"))
        .extracting(LockEvent::kind, LockEvent::who, LockEvent::why)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(LockEvent.LOCKED, "carol", "incident"),
            org.assertj.core.groups.Tuple.tuple(LockEvent.UNLOCKED, "bob", "incident resolved"));
    assertThat(policyNow().check(scale("staging", 5)).allowed()).isTrue();
  }

  @Test
  @DisplayName(
      "given a lock without a reason or with an expiry in the past, should refuse it and stay unlocked")
  void givenBadLockRequest_shouldRefuse() {
    assertThatThrownBy(() -> locks.lock("staging", "carol", " ", null))
        .isInstanceOf(WorkflowUpdateException.class);
    assertThatThrownBy(() -> locks.lock("staging", "carol", "late", now().minusSeconds(60)))
        .isInstanceOf(WorkflowUpdateException.class);
    assertThat(reader.read("staging").locked()).isFalse();
  }

  @Test
  @DisplayName("given a ledger carried over by continue-as-new, should resume its lock and history")
  void givenCarriedLedger_shouldResume() {
    Instant until = now().plus(Duration.ofHours(2));
    LockState carried =
        new LockState("prod", true, "carol", "freeze", now().toString(), until.toString());
    LockLedger ledger =
        new LockLedger(
            "prod",
            carried,
            List.of(
                new LockEvent(
                    7, now().toString(), LockEvent.LOCKED, "carol", "freeze", until.toString())),
            8);
    EnvironmentLock stub =
        testEnv
            .getWorkflowClient()
            .newWorkflowStub(
                EnvironmentLock.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(EnvironmentLock.workflowId("prod"))
                    .setTaskQueue(EnvironmentLock.TASK_QUEUE)
                    .build());
    WorkflowClient.start(stub::run, ledger);

    assertThat(reader.read("prod").locked()).isTrue();
    locks.unlock("prod", "carol", "done");
    assertThat(locks.history("prod")).extracting(LockEvent::seq).containsExactly(7L, 8L);
  }
}
