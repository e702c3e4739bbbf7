package io.interlock.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Waits for an observable state (a task reaching a step state), never asserting on time itself. */
final class Eventually {
  private Eventually() {}

  static <T> T until(String what, Supplier<T> probe, java.util.function.Predicate<T> done) {
    Instant give = Instant.now().plus(Duration.ofSeconds(120));
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
