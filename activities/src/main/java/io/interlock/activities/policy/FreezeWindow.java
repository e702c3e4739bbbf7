package io.interlock.activities.policy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * A named time window. A DENY window blocks writes while open; once an environment has ALLOW
 * windows, writes pass only while one of them is open. Deny wins over allow.
 *
 * @param breakGlass whether the environment's break-glass may override this window
 * @param message optional words for the reason (for example whom to ask)
 */
public record FreezeWindow(
    String id,
    Type type,
    ZoneId zone,
    WindowSchedule schedule,
    boolean breakGlass,
    String message) {

  public enum Type {
    DENY,
    ALLOW
  }

  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");

  public Optional<WindowSchedule.Occurrence> occurrenceAt(Instant t) {
    return schedule.occurrenceAt(t, zone);
  }

  /** The first occurrence that starts after {@code t} and before {@code until}, if any. */
  public Optional<WindowSchedule.Occurrence> next(Instant t, Instant until) {
    return schedule.next(t, until, zone);
  }

  /** "America/New_York, 2026-11-27T00:00 to 2026-11-30T00:00" for one occurrence. */
  public String describe(WindowSchedule.Occurrence o) {
    return zone.getId() + ", " + LOCAL.format(o.start()) + " to " + LOCAL.format(o.end());
  }
}
