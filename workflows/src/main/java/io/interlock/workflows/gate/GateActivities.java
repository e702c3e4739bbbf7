package io.interlock.workflows.gate;

import io.interlock.contract.activities.InboxActivities;
import io.interlock.contract.activities.Look;
import io.interlock.contract.activities.LookActivities;
import io.interlock.contract.activities.LookRequest;
import io.interlock.contract.activities.NotServedHere;
import io.interlock.contract.activities.PolicyActivities;
import io.interlock.contract.activities.PolicyCheck;
import io.interlock.contract.activities.RequesterCheck;
import io.interlock.contract.activities.RequesterIdentity;
import io.interlock.contract.activities.ToolActivities;
import io.interlock.contract.values.CallerText;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.workflows.AgentTask;
import io.interlock.workflows.StepBudget;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** The gate's activity stubs, each with the options its side effect calls for. */
final class GateActivities {
  /** Inbox/notification bookkeeping: best effort, a failure never blocks the task. */
  private final InboxActivities inboxOnQueue =
      Workflow.newActivityStub(
          InboxActivities.class,
          ActivityOptions.newBuilder()
              .setTaskQueue(AgentTask.TASK_QUEUE)
              .setStartToCloseTimeout(Duration.ofSeconds(10))
              .setScheduleToCloseTimeout(Duration.ofMinutes(1))
              // A few retries: the inbox is an index, losing one update is visible but harmless.
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
              .build());

  /**
   * The same notices in this worker: the inbox is the memory of the process running the gate. One
   * short attempt: the notice runs inside the workflow task, and the inbox is bookkeeping.
   */
  private final InboxActivities inboxHere =
      Workflow.newLocalActivityStub(
          InboxActivities.class,
          LocalActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(2))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
              .build());

  /** What this run's version does (see {@link #decideLocalCalls}); the queue until decided. */
  private RunVersion version = new RunVersion(Workflow.DEFAULT_VERSION);

  /** Local notices sent and maybe not yet run (see {@link #noticesDone}). */
  private final List<Promise<Void>> notices = new ArrayList<>();

  /** Resolution, reads, previews and rollback planning observe only: retrying is harmless. */
  final ToolActivities tools;

  /** Policy evaluation is a pure read of policy, locks and permissions: retrying is harmless. */
  private final PolicyActivities policy;

  /** A step's first hop (resolve; for a READ also policy and the read) only observes too. */
  private final LookActivities look;

  /** The same hop and policy as local activities, run here when this process serves the env. */
  private final LookActivities lookHere;

  private final PolicyActivities policyHere;

  /** Whether this run may observe locally (see {@link #decideLocalCalls}). */
  private boolean localObservations;

  /**
   * Local observations running now (several handlers may each wait for one); counted around {@link
   * #nearby}'s synchronous calls: an asynchronous one would need counting where it completes.
   */
  private int observingHere;

  private final String environment;
  private final String queue;

  GateActivities(String environment) {
    this.environment = environment;
    this.queue = AgentTask.environmentQueue(environment);
    this.tools = Workflow.newActivityStub(ToolActivities.class, observe());
    this.policy = Workflow.newActivityStub(PolicyActivities.class, observe());
    this.look = Workflow.newActivityStub(LookActivities.class, observe());
    this.lookHere = Workflow.newLocalActivityStub(LookActivities.class, observeHere());
    this.policyHere = Workflow.newLocalActivityStub(PolicyActivities.class, observeHere());
  }

  private ActivityOptions observe() {
    return ActivityOptions.newBuilder()
        .setTaskQueue(queue)
        .setStartToCloseTimeout(Duration.ofSeconds(60))
        // Without a worker for this environment the call fails instead of waiting forever.
        .setScheduleToCloseTimeout(Duration.ofMinutes(3))
        .setRetryOptions(
            RetryOptions.newBuilder().setMaximumAttempts(LookActivities.ATTEMPTS).build())
        .build();
  }

  private static LocalActivityOptions observeHere() {
    return LocalActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(60))
        .setScheduleToCloseTimeout(Duration.ofMinutes(3))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setMaximumAttempts(LookActivities.ATTEMPTS)
                .setDoNotRetry(NotServedHere.TYPE)
                .build())
        .build();
  }

  /**
   * Where this run's observations and notices go: runs from before local observations always used
   * the queue (see replay tests); a call made before this ran uses it too.
   */
  void decideLocalCalls(RunVersion version) {
    this.version = version;
    localObservations = version.localObservations();
  }

  /** Sends an inbox notice without waiting for it (see {@link #inboxHere}). */
  void notice(Functions.Func1<InboxActivities, Promise<Void>> send) {
    Promise<Void> sent = send.apply(version.localInbox() ? inboxHere : inboxOnQueue);
    if (version.localInbox()) {
      notices.removeIf(Promise::isCompleted);
      notices.add(sent);
    }
  }

  /** Whether a local activity of this run is still running (see {@link AuditTrail#startWriter}). */
  boolean localWork() {
    return observingHere > 0 || !noticesDone();
  }

  /** Whether this run's local notices have all run (see {@link Gate#quiet}). */
  boolean noticesDone() {
    return notices.stream().allMatch(Promise::isCompleted);
  }

  /** A step's first hop (see {@link #nearby}). */
  Look look(LookRequest request) {
    return nearby(() -> lookHere.look(request), () -> look.look(request));
  }

  /**
   * A policy check: PROPOSE outside a look, RECHECK right before the write (see {@link #nearby}).
   */
  PolicyDecision check(PolicyCheck check) {
    return nearby(() -> policyHere.check(check), () -> policy.check(check));
  }

  /** The requester's proof, checked with the environment's keys (see {@link #nearby}). */
  RequesterIdentity identify(RequesterCheck check) {
    return nearby(() -> policyHere.identify(check), () -> policy.identify(check));
  }

  /**
   * A call that only observes: a local activity when this workflow worker serves the environment
   * (no task-queue hop; a crash that loses its marker just observes again), else on the
   * environment's queue.
   */
  private <T> T nearby(Supplier<T> here, Supplier<T> onQueue) {
    if (localObservations) {
      observingHere++;
      try {
        return here.get();
      } catch (ActivityFailure f) {
        if (!NotServedHere.is(f)) {
          throw f;
        }
        // This process does not serve the environment: the rest of the run asks the queue at once.
        localObservations = !version.rememberNotServed();
      } finally {
        observingHere--;
      }
    }
    return onQueue.get();
  }

  /** A write that cannot start promptly is not run later, after its re-check went stale. */
  ToolActivities writer(boolean idempotent) {
    return Workflow.newActivityStub(
        ToolActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(queue)
            .setScheduleToStartTimeout(Duration.ofMinutes(1))
            .setStartToCloseTimeout(Duration.ofMinutes(2))
            // Non-idempotent writes run at most once: a lost answer must not become a second
            // mutation.
            .setRetryOptions(
                RetryOptions.newBuilder().setMaximumAttempts(idempotent ? 3 : 1).build())
            .build());
  }

  /** Verification observes for as long as policy's budget says, heartbeating while it waits. */
  ToolActivities verifier(long budgetSeconds) {
    long budget = budgetSeconds > 0 ? budgetSeconds : 1800;
    return Workflow.newActivityStub(
        ToolActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(queue)
            .setStartToCloseTimeout(Duration.ofSeconds(budget + 60))
            .setHeartbeatTimeout(Duration.ofSeconds(60))
            // Verification only observes; one more attempt covers a worker restart.
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(2).build())
            .build());
  }

  /**
   * Why an approved write failed. One whose worker took it and went silent (crashed, or lost the
   * answer on every attempt) may have reached the cluster: its outcome is unknown, never "failed".
   */
  String describeExecute(ActivityFailure f) {
    if (f.getCause() instanceof TimeoutFailure tf
        && tf.getTimeoutType() != TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
      return CallerText.bounded(
          "outcome unknown: a worker serving '"
              + environment
              + "' took the approved write and"
              + " gave no answer ("
              + tf.getTimeoutType()
              + "); it may or may not have reached the cluster and is not sent"
              + " again (a repeat could apply it twice); inspect the target before proposing it again",
          StepBudget.ERROR_CHARS);
    }
    return describe(f);
  }

  /** Why an activity failed, bounded, naming the missing worker when nothing picked the call up. */
  String describe(ActivityFailure f) {
    Throwable c = f.getCause();
    String why;
    if (c instanceof ApplicationFailure af) {
      why = af.getOriginalMessage() + " [" + af.getType() + "]";
    } else if (c instanceof TimeoutFailure tf) {
      why =
          "timed out ("
              + tf.getTimeoutType()
              + ") waiting on queue "
              + queue
              + ": is a worker serving environment '"
              + environment
              + "' running?";
    } else {
      why = c == null ? f.getMessage() : c.getMessage();
    }
    return CallerText.bounded(why, StepBudget.ERROR_CHARS);
  }
}
