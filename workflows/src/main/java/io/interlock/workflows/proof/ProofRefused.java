package io.interlock.workflows.proof;

/** A rule a proof broke; its message is the verdict's one-line problem. */
final class ProofRefused extends RuntimeException {
  ProofRefused(String problem) {
    super(problem, null, false, false);
  }

  /** Attacker-supplied text as it may appear in a problem: short, one line, printable. */
  static String shown(String value) {
    return value == null ? "(none)" : io.interlock.contract.values.CallerText.shown(value, 60);
  }
}
