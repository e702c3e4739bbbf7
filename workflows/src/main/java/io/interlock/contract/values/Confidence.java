package io.interlock.contract.values;

/** How sure a verification verdict is. */
public enum Confidence {
  /** Intended state reached and stable on a second observation, no restarts. */
  HIGH,
  /** Reached, with warnings (restarts, a single observation). */
  MEDIUM,
  /** Not reached, or no data. */
  LOW
}
