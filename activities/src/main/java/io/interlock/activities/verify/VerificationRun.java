package io.interlock.activities.verify;

import io.interlock.activities.tools.Observation;
import io.interlock.contract.values.Confidence;
import io.interlock.contract.values.Verdict;
import io.interlock.contract.values.Verification;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The verdict rules, one observation at a time, within a budget bounded in time and count. HIGH
 * needs the intended state on two consecutive observations with no warnings; a single REACHED or
 * warnings give MEDIUM; anything else, including never having seen data, is VERIFICATION_FAILED.
 * Who drives the observations (a loop on one thread, or a shared pool) does not change a verdict.
 */
public final class VerificationRun {
  /** Hard cap on polls whatever the budget, so a verification cannot spin without bound. */
  public static final int MAX_POLLS = 600;

  private final Clock clock;
  private final Duration budget;
  private final Duration interval;
  private final long deadline;
  private final List<String> warnings = new ArrayList<>();
  private int polls;
  private int reachedInARow;
  private Observation last;

  public VerificationRun(Clock clock, Duration budget, Duration interval) {
    this.clock = clock;
    this.budget = budget;
    this.interval = interval;
    this.deadline = clock.millis() + budget.toMillis();
  }

  /** The poll number the next observation will be (from 1). */
  public int nextPoll() {
    return polls + 1;
  }

  public Duration interval() {
    return interval;
  }

  /** Takes one observation (or its failure); a verdict when this one settles it. */
  public Optional<Verification> accept(Observation o) {
    polls++;
    last = o;
    o.warnings().stream().filter(w -> !warnings.contains(w)).forEach(warnings::add);
    if (o.status() == Observation.Status.FAILED) {
      List<String> evidence = new ArrayList<>(o.evidence());
      evidence.addAll(prefixed(warnings));
      return Optional.of(new Verification(Verdict.VERIFICATION_FAILED, Confidence.LOW, evidence));
    }
    if (o.status() == Observation.Status.REACHED) {
      reachedInARow++;
      if (reachedInARow >= 2) {
        List<String> evidence = new ArrayList<>(o.evidence());
        evidence.add("intended state observed on " + reachedInARow + " consecutive polls");
        evidence.addAll(prefixed(warnings));
        return Optional.of(
            new Verification(
                Verdict.VERIFIED,
                warnings.isEmpty() ? Confidence.HIGH : Confidence.MEDIUM,
                evidence));
      }
    } else {
      reachedInARow = 0;
    }
    if (polls >= MAX_POLLS || clock.millis() + interval.toMillis() > deadline) {
      return Optional.of(ended());
    }
    return Optional.empty();
  }

  /** An observation that threw counts as "not there yet", never as success. */
  public Optional<Verification> failedObservation(RuntimeException e) {
    return accept(
        Observation.progressing("observation " + (polls + 1) + " failed: " + e.getMessage()));
  }

  /** The verdict when the budget ends before the observations settled it. */
  public Verification ended() {
    List<String> evidence = new ArrayList<>();
    if (last != null && last.status() == Observation.Status.REACHED) {
      evidence.addAll(last.evidence());
      evidence.add("intended state observed once; the budget ended before a second observation");
      evidence.addAll(prefixed(warnings));
      return new Verification(Verdict.VERIFIED, Confidence.MEDIUM, evidence);
    }
    if (last != null) {
      evidence.addAll(last.evidence());
    } else {
      evidence.add("no observation was made: no data is never success");
    }
    evidence.add(
        "verification budget of "
            + budget.toSeconds()
            + "s ended before the intended state was reached");
    evidence.addAll(prefixed(warnings));
    return new Verification(Verdict.VERIFICATION_FAILED, Confidence.LOW, evidence);
  }

  private static List<String> prefixed(List<String> warnings) {
    return warnings.stream().map(w -> "warning: " + w).toList();
  }
}
