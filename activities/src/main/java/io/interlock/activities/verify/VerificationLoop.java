package io.interlock.activities.verify;

import io.interlock.activities.tools.Observation;
import io.interlock.contract.values.Verification;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Drives a {@link VerificationRun} on the calling thread, sleeping between polls: for direct use
 * (tests, tools). Workers use the {@link VerificationPool}, which holds no thread while waiting.
 */
public final class VerificationLoop {
  public static final int MAX_POLLS = VerificationRun.MAX_POLLS;

  private final Clock clock;
  private final Duration interval;
  private final Consumer<Integer> heartbeat;

  public VerificationLoop(Clock clock, Duration interval, Consumer<Integer> heartbeat) {
    this.clock = clock;
    this.interval = interval;
    this.heartbeat = heartbeat;
  }

  public Verification run(Duration budget, Supplier<Observation> observe) {
    VerificationRun run = new VerificationRun(clock, budget, interval);
    while (true) {
      heartbeat.accept(run.nextPoll());
      Optional<Verification> verdict;
      try {
        verdict = run.accept(observe.get());
      } catch (RuntimeException e) {
        verdict = run.failedObservation(e);
      }
      if (verdict.isPresent()) {
        return verdict.get();
      }
      sleep();
    }
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
