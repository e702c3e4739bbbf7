package io.interlock.workflows.lock;

import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The lock entity. Deterministic: time comes from {@link Workflow#currentTimeMillis()}, expiry from
 * a durable timer, and the state survives worker restarts because it lives in the history.
 */
public class EnvironmentLockImpl implements EnvironmentLock {
  /** Events carried across continue-as-new; older ones remain readable in earlier runs. */
  static final int CARRIED_EVENTS = 100;

  /** Continue-as-new well before the server's history limits. */
  static final int MAX_HISTORY_EVENTS = 2_000;

  private final String environment;
  private LockState state;
  private final List<LockEvent> events = new ArrayList<>();
  private long nextSeq;
  // Bumped on every change so the main loop re-arms its expiry timer.
  private long changes;

  /**
   * State comes from the ledger here, not in {@link #run}: with update-with-start the first lock
   * update runs before the workflow method, and must not be overwritten by it.
   */
  @WorkflowInit
  public EnvironmentLockImpl(LockLedger ledger) {
    environment = ledger.environment();
    state = ledger.state();
    events.addAll(ledger.events());
    nextSeq = ledger.nextSeq();
  }

  @Override
  public void run(LockLedger ledger) {
    while (true) {
      long seen = changes;
      if (state.locked() && state.until() != null) {
        Duration left = Duration.between(now(), LockTimes.parse(state.until()));
        if (left.isNegative() || left.isZero()) {
          expire();
          continue;
        }
        Workflow.await(left, () -> changes != seen || continueAsNewDue());
      } else {
        Workflow.await(() -> changes != seen || continueAsNewDue());
      }
      if (continueAsNewDue()) {
        // Let in-flight lock/unlock updates finish so none is lost across runs.
        Workflow.await(Workflow::isEveryHandlerFinished);
        Workflow.continueAsNew(new LockLedger(environment, state, carried(), nextSeq));
      }
    }
  }

  @Override
  public LockState lock(LockRequest request) {
    String until = request.until() == null ? null : LockTimes.parse(request.until()).toString();
    state = new LockState(environment, true, request.who(), request.why(), now().toString(), until);
    record(LockEvent.LOCKED, request.who(), request.why(), until);
    return state;
  }

  @Override
  public void validateLock(LockRequest request) {
    if (request == null || blank(request.who())) {
      throw new IllegalArgumentException("lock needs 'who'");
    }
    if (blank(request.why())) {
      throw new IllegalArgumentException(
          "lock needs 'why': it is shown to everyone whose write it blocks");
    }
    if (request.until() != null) {
      Instant until;
      try {
        until = LockTimes.parse(request.until());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "'until' must be an ISO-8601 instant like 2026-03-01T18:00:00Z, got '"
                + request.until()
                + "'");
      }
      if (!until.isAfter(now())) {
        throw new IllegalArgumentException("'until' " + until + " is not in the future");
      }
    }
  }

  @Override
  public LockState unlock(UnlockRequest request) {
    if (state.locked()) {
      state = LockState.unlocked(environment);
      record(LockEvent.UNLOCKED, request.who(), request.why(), null);
    }
    return state;
  }

  @Override
  public void validateUnlock(UnlockRequest request) {
    if (request == null || blank(request.who())) {
      throw new IllegalArgumentException("unlock needs 'who'");
    }
    if (blank(request.why())) {
      throw new IllegalArgumentException("unlock needs 'why'");
    }
  }

  @Override
  public LockState state() {
    return state;
  }

  @Override
  public List<LockEvent> history() {
    return List.copyOf(events);
  }

  private void expire() {
    String why = "lock by " + state.by() + " expired at " + state.until();
    state = LockState.unlocked(environment);
    record(LockEvent.EXPIRED, "interlock", why, null);
  }

  private void record(String kind, String who, String why, String until) {
    events.add(new LockEvent(nextSeq++, now().toString(), kind, who, why, until));
    changes++;
  }

  private List<LockEvent> carried() {
    return List.copyOf(events.subList(Math.max(0, events.size() - CARRIED_EVENTS), events.size()));
  }

  private static boolean continueAsNewDue() {
    return Workflow.getInfo().isContinueAsNewSuggested()
        || Workflow.getInfo().getHistoryLength() > MAX_HISTORY_EVENTS;
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
