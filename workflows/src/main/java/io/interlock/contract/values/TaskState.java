package io.interlock.contract.values;

/** Task lifecycle as the {@code status} query reports it. */
public enum TaskState {
  RUNNING,
  AWAITING_APPROVAL,
  HALTED,
  COMPLETED
}
