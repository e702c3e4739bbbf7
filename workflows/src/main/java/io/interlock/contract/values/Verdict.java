package io.interlock.contract.values;

/** Outcome of verifying a write against the state it intended. */
public enum Verdict {
  VERIFIED,
  VERIFICATION_FAILED
}
