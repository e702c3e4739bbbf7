package io.interlock.activities.verify;

import io.interlock.activities.tools.Observation;
import io.interlock.contract.values.Verification;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionClient;
import io.temporal.client.ActivityCompletionException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifications without a thread each: the verify activity hands its task token here and returns; a
 * timer schedules each observation on a small shared pool, and the verdict completes the activity
 * through the {@link ActivityCompletionClient}. Thousands can verify at once on one worker. A
 * worker that stops drops its verifications: their heartbeats stop, the attempt times out and the
 * retry observes again (as a crashed worker always did).
 */
public final class VerificationPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VerificationPool.class);

  /** Heartbeat at most this often: well inside the gate's 60 s heartbeat timeout. */
  static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(15);

  private final ActivityCompletionClient completion;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private final ExecutorService observers;

  /**
   * @param observers threads that make observations (each a short API read); waiting uses none
   */
  public VerificationPool(ActivityCompletionClient completion, Clock clock, int observers) {
    this.completion = completion;
    this.clock = clock;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "interlock-verify-timer"));
    AtomicInteger n = new AtomicInteger();
    this.observers =
        Executors.newFixedThreadPool(
            observers, r -> daemon(r, "interlock-verify-" + n.incrementAndGet()));
  }

  /**
   * Takes over the calling activity: it returns at once (its result is ignored) and is completed
   * later with the verdict.
   */
  public Verification start(Duration budget, Duration interval, Supplier<Observation> observe) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    // The attempt started when the server says (the budget may have taken a read to work out).
    long sinceStart = Math.max(0, System.currentTimeMillis() - ctx.getInfo().getStartedTimestamp());
    Pending p =
        new Pending(
            ctx.getTaskToken(),
            new VerificationRun(clock, budget, interval),
            observe,
            clock.millis() - sinceStart);
    ctx.doNotCompleteOnReturn();
    submit(p);
    return null;
  }

  private void submit(Pending p) {
    try {
      observers.execute(() -> poll(p));
    } catch (RejectedExecutionException closed) {
      // The worker is stopping: the attempt times out and is retried.
    }
  }

  private void poll(Pending p) {
    try {
      if (!heartbeat(p)) {
        return;
      }
      Optional<Verification> verdict;
      try {
        verdict = p.run.accept(p.observe.get());
      } catch (RuntimeException e) {
        verdict = p.run.failedObservation(e);
      }
      if (verdict.isPresent()) {
        complete(p, verdict.get());
        return;
      }
      timer.schedule(() -> submit(p), p.run.interval().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      // The worker is stopping: the attempt times out and is retried.
    } catch (RuntimeException e) {
      fail(p, e);
    }
  }

  /** False when the activity is gone (timed out, cancelled, its workflow ended): stop observing. */
  private boolean heartbeat(Pending p) {
    long now = clock.millis();
    if (now - p.lastBeat < HEARTBEAT_EVERY.toMillis()) {
      return true;
    }
    try {
      completion.heartbeat(p.token, p.run.nextPoll());
      p.lastBeat = now;
      return true;
    } catch (ActivityCompletionException gone) {
      LOG.debug("verification stopped: {}", gone.getMessage());
      return false;
    }
  }

  private void complete(Pending p, Verification v) {
    try {
      completion.complete(p.token, v);
    } catch (ActivityCompletionException gone) {
      LOG.debug("verdict not delivered, the activity is gone: {}", gone.getMessage());
    }
  }

  private void fail(Pending p, RuntimeException e) {
    try {
      completion.completeExceptionally(p.token, e);
    } catch (ActivityCompletionException gone) {
      LOG.debug("failure not delivered, the activity is gone: {}", gone.getMessage());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    observers.shutdownNow();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static final class Pending {
    final byte[] token;
    final VerificationRun run;
    final Supplier<Observation> observe;
    long lastBeat;

    /**
     * @param startedAt the attempt's start, which the server recorded: the first heartbeat is due a
     *     {@link #HEARTBEAT_EVERY} later, so a verification settled within it sends none
     */
    Pending(byte[] token, VerificationRun run, Supplier<Observation> observe, long startedAt) {
      this.token = token;
      this.run = run;
      this.observe = observe;
      this.lastBeat = startedAt;
    }
  }
}
