package io.interlock.workflows.proof;

/** A rule a proof broke; its message is the verdict's one-line problem. */
final class ProofRefused extends RuntimeException {
  private static final int SHOWN_CHARS = 60;

  ProofRefused(String problem) {
    super(problem, null, false, false);
  }

  /** Attacker-supplied text as it may appear in a problem: short, one line, printable. */
  static String shown(String value) {
    if (value == null) {
      return "(none)";
    }
    String cut = value.length() > SHOWN_CHARS ? value.substring(0, SHOWN_CHARS) + "…" : value;
    StringBuilder b = new StringBuilder(cut.length());
    cut.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }
}
