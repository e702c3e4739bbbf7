package io.interlock.activities.verify;

import io.interlock.activities.tools.Observation;
import io.interlock.contract.values.Confidence;
import io.interlock.contract.values.Verdict;
import io.interlock.contract.values.Verification;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Polls observations within a budget bounded in time and count. HIGH needs the intended state on
 * two consecutive observations with no warnings; a single REACHED or warnings give MEDIUM; anything
 * else, including never having seen data, is VERIFICATION_FAILED.
 */
public final class VerificationLoop {
  /** Hard cap on polls whatever the budget, so a verification cannot spin without bound. */
  public static final int MAX_POLLS = 600;

  private final Clock clock;
  private final Duration interval;
  private final Consumer<Integer> heartbeat;

  public VerificationLoop(Clock clock, Duration interval, Consumer<Integer> heartbeat) {
    this.clock = clock;
    this.interval = interval;
    this.heartbeat = heartbeat;
  }

  public Verification run(Duration budget, Supplier<Observation> observe) {
    long deadline = clock.millis() + budget.toMillis();
    List<String> evidence = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    int reachedInARow = 0;
    Observation last = null;
    for (int poll = 1; poll <= MAX_POLLS; poll++) {
      heartbeat.accept(poll);
      Observation o;
      try {
        o = observe.get();
      } catch (RuntimeException e) {
        o = Observation.progressing("observation " + poll + " failed: " + e.getMessage());
      }
      last = o;
      o.warnings().stream().filter(w -> !warnings.contains(w)).forEach(warnings::add);
      if (o.status() == Observation.Status.FAILED) {
        evidence.addAll(o.evidence());
        evidence.addAll(prefixed(warnings));
        return new Verification(Verdict.VERIFICATION_FAILED, Confidence.LOW, evidence);
      }
      if (o.status() == Observation.Status.REACHED) {
        reachedInARow++;
        if (reachedInARow >= 2) {
          evidence.addAll(o.evidence());
          evidence.add("intended state observed on " + reachedInARow + " consecutive polls");
          evidence.addAll(prefixed(warnings));
          return new Verification(
              Verdict.VERIFIED, warnings.isEmpty() ? Confidence.HIGH : Confidence.MEDIUM, evidence);
        }
      } else {
        reachedInARow = 0;
      }
      if (clock.millis() + interval.toMillis() > deadline) {
        break;
      }
      sleep();
    }
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

  private void sleep() {
    try {
      Thread.sleep(interval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("verification interrupted", e);
    }
  }
}
