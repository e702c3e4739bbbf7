package io.interlock.workflows.gate;

import io.temporal.workflow.Workflow;

/**
 * How a run differs from runs of older code: one version marker per run, decided first thing in it
 * (on replay the version call yields to other workflow threads, which only at the start of a run
 * have nothing to do). Each version keeps what the ones before it changed.
 *
 * @param value {@link Workflow#DEFAULT_VERSION}: looks, policy checks and inbox notices on the
 *     queue; 1: looks and policy checks are local activities when this worker serves the
 *     environment; 2: one NOT_SERVED_HERE sends the rest of the run to the queue; 3: inbox notices
 *     are local activities too; 4: audit entries go into the history one marker per flush, not one
 *     per entry; 5: a run whose start already carries its index skips its first upsert (runs of
 *     older code continued as new carry it too, yet upserted: they must replay as they ran)
 */
record RunVersion(int value) {
  /** Named for the first change it versioned; histories carry the name, so it stays. */
  private static final String CHANGE_ID = "local-observations";

  static final int LATEST = 5;

  static RunVersion decide() {
    return new RunVersion(Workflow.getVersion(CHANGE_ID, Workflow.DEFAULT_VERSION, LATEST));
  }

  boolean localObservations() {
    return value != Workflow.DEFAULT_VERSION;
  }

  boolean rememberNotServed() {
    return value >= 2;
  }

  boolean localInbox() {
    return value >= 3;
  }

  boolean auditInBatches() {
    return value >= 4;
  }

  boolean indexFromStart() {
    return value >= 5;
  }
}
