package io.interlock.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for an observable state (a task reaching a step state), never asserting on time itself. */
public final class Eventually {
  private Eventually() {}

  public static <T> T until(String what, Supplier<T> probe, Predicate<T> done) {
    return until(Duration.ofSeconds(120), what, probe, done);
  }

  public static <T> T until(Duration patience, String what, Supplier<T> probe, Predicate<T> done) {
    Instant give = Instant.now().plus(patience);
    T last = probe.get();
    while (!done.test(last)) {
      if (Instant.now().isAfter(give)) {
        throw new AssertionError("never saw: " + what + "; last observed: " + last);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
      last = probe.get();
    }
    return last;
  }
}
