package io.interlock.activities.cluster;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls until a condition holds or a deadline passes; tests never sleep a fixed time. */
final class Poll {

  private Poll() {}

  static <T> T until(Duration timeout, Supplier<T> probe, Predicate<T> done, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = probe.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout + " waiting for " + what + "; last seen: " + last);
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
      last = probe.get();
    }
    return last;
  }
}
