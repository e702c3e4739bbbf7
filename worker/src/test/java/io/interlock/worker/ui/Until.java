package io.interlock.worker.ui;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for an observable state with a generous deadline; never asserts on elapsed time. */
public final class Until {
  private Until() {}

  public static <T> T seen(String what, Supplier<T> probe, Predicate<T> done) {
    Instant give = Instant.now().plus(Duration.ofSeconds(90));
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
