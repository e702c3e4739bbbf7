package io.interlock.workflows.lock;

import java.util.List;

/**
 * The lock workflow's whole state: its start argument, and what it carries across continue-as-new.
 *
 * @param events the most recent lock events (older ones stay in earlier runs' histories)
 * @param nextSeq sequence number of the next event
 */
public record LockLedger(
    String environment, LockState state, List<LockEvent> events, long nextSeq) {
  public LockLedger {
    events = events == null ? List.of() : List.copyOf(events);
    state = state == null ? LockState.unlocked(environment) : state;
  }

  public static LockLedger fresh(String environment) {
    return new LockLedger(environment, LockState.unlocked(environment), List.of(), 1);
  }
}
