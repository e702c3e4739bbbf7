package io.interlock.activities.tools;

import java.util.List;

/**
 * One look at the real state during verification.
 *
 * @param status REACHED (intended state holds), PROGRESSING (not yet), FAILED (will not get there)
 * @param evidence what was seen, one line each
 * @param warnings things that lower confidence (restarts, ...) even when REACHED
 */
public record Observation(Status status, List<String> evidence, List<String> warnings) {
  public enum Status {
    REACHED,
    PROGRESSING,
    FAILED
  }

  public Observation {
    evidence = evidence == null ? List.of() : List.copyOf(evidence);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  public static Observation reached(String... evidence) {
    return new Observation(Status.REACHED, List.of(evidence), List.of());
  }

  public static Observation progressing(String... evidence) {
    return new Observation(Status.PROGRESSING, List.of(evidence), List.of());
  }

  public static Observation failed(String... evidence) {
    return new Observation(Status.FAILED, List.of(evidence), List.of());
  }
}
