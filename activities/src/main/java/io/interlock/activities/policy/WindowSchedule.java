package io.interlock.activities.policy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;

/**
 * When a freeze window is open. Every form is evaluated in the window's own IANA zone and compared
 * as instants, so DST changes are handled by the zone rules: a local start skipped by
 * spring-forward begins at the shifted wall-clock time (02:30 becomes 03:30), a local time repeated
 * by fall-back means its first occurrence. Start is inclusive, end exclusive.
 */
public sealed interface WindowSchedule {

  /** The occurrence containing {@code t}, if any. */
  Optional<Occurrence> occurrenceAt(Instant t, ZoneId zone);

  /** The first occurrence that starts after {@code t} and before {@code until}, if any. */
  Optional<Occurrence> next(Instant t, Instant until, ZoneId zone);

  /** One concrete opening of a window, in its zone. */
  record Occurrence(ZonedDateTime start, ZonedDateTime end) {}

  /** A single absolute range, for example a Black Friday freeze. */
  record Absolute(LocalDateTime start, LocalDateTime end) implements WindowSchedule {
    @Override
    public Optional<Occurrence> occurrenceAt(Instant t, ZoneId zone) {
      return within(t, ZonedDateTime.of(start, zone), ZonedDateTime.of(end, zone));
    }

    @Override
    public Optional<Occurrence> next(Instant t, Instant until, ZoneId zone) {
      return starting(
          t, until, new Occurrence(ZonedDateTime.of(start, zone), ZonedDateTime.of(end, zone)));
    }
  }

  /**
   * Each listed day from {@code start} to {@code end} local time; an end at or before the start
   * ends on the next day (22:00-06:00 crosses midnight, 00:00-00:00 is the whole day).
   */
  record Daily(Set<DayOfWeek> days, LocalTime start, LocalTime end) implements WindowSchedule {
    public Daily {
      days = Set.copyOf(days);
    }

    @Override
    public Optional<Occurrence> occurrenceAt(Instant t, ZoneId zone) {
      LocalDate today = t.atZone(zone).toLocalDate();
      // An opening that began yesterday may still be running after midnight.
      for (LocalDate day : new LocalDate[] {today.minusDays(1), today}) {
        if (!days.contains(day.getDayOfWeek())) {
          continue;
        }
        LocalDate endDay = end.isAfter(start) ? day : day.plusDays(1);
        Optional<Occurrence> hit =
            within(t, ZonedDateTime.of(day, start, zone), ZonedDateTime.of(endDay, end, zone));
        if (hit.isPresent()) {
          return hit;
        }
      }
      return Optional.empty();
    }

    @Override
    public Optional<Occurrence> next(Instant t, Instant until, ZoneId zone) {
      LocalDate today = t.atZone(zone).toLocalDate();
      for (LocalDate day = today; !day.isAfter(today.plusDays(7)); day = day.plusDays(1)) {
        ZonedDateTime s = ZonedDateTime.of(day, start, zone);
        if (days.contains(day.getDayOfWeek()) && s.toInstant().isAfter(t)) {
          LocalDate endDay = end.isAfter(start) ? day : day.plusDays(1);
          return starting(t, until, new Occurrence(s, ZonedDateTime.of(endDay, end, zone)));
        }
      }
      return Optional.empty();
    }
  }

  /** One weekly span, for example Friday 22:00 to Monday 06:00. */
  record Weekly(DayOfWeek fromDay, LocalTime fromTime, DayOfWeek toDay, LocalTime toTime)
      implements WindowSchedule {
    @Override
    public Optional<Occurrence> occurrenceAt(Instant t, ZoneId zone) {
      LocalDate today = t.atZone(zone).toLocalDate();
      LocalDate startDay =
          today.minusDays(Math.floorMod(today.getDayOfWeek().getValue() - fromDay.getValue(), 7));
      ZonedDateTime start = ZonedDateTime.of(startDay, fromTime, zone);
      if (start.toInstant().isAfter(t)) {
        start = ZonedDateTime.of(startDay.minusWeeks(1), fromTime, zone);
      }
      int span = Math.floorMod(toDay.getValue() - fromDay.getValue(), 7);
      if (span == 0 && !toTime.isAfter(fromTime)) {
        span = 7;
      }
      return within(t, start, end(start, zone));
    }

    @Override
    public Optional<Occurrence> next(Instant t, Instant until, ZoneId zone) {
      LocalDate today = t.atZone(zone).toLocalDate();
      LocalDate startDay =
          today.plusDays(Math.floorMod(fromDay.getValue() - today.getDayOfWeek().getValue(), 7));
      ZonedDateTime start = ZonedDateTime.of(startDay, fromTime, zone);
      if (!start.toInstant().isAfter(t)) {
        start = ZonedDateTime.of(startDay.plusWeeks(1), fromTime, zone);
      }
      return starting(t, until, new Occurrence(start, end(start, zone)));
    }

    private ZonedDateTime end(ZonedDateTime start, ZoneId zone) {
      int span = Math.floorMod(toDay.getValue() - fromDay.getValue(), 7);
      if (span == 0 && !toTime.isAfter(fromTime)) {
        span = 7;
      }
      return ZonedDateTime.of(start.toLocalDate().plusDays(span), toTime, zone);
    }
  }

  /**
   * Opens at each cron match (local time of the zone) for {@code duration} of elapsed time, as Argo
   * CD sync windows do. A local time skipped by spring-forward never opens; one repeated by
   * fall-back opens at its first occurrence only.
   */
  record Cron(CronSchedule schedule, Duration duration) implements WindowSchedule {
    @Override
    public Optional<Occurrence> occurrenceAt(Instant t, ZoneId zone) {
      // Only a start after t - duration can still be open; the most recent one at or before t's
      // minute wins.
      Instant stop = t.minus(duration);
      ZonedDateTime after =
          t.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES).atZone(zone);
      for (Optional<ZonedDateTime> s = schedule.previous(after, stop);
          s.isPresent();
          s = schedule.previous(s.get(), stop)) {
        if (firstOfRepeated(s.get())) {
          return Optional.of(new Occurrence(s.get(), s.get().plus(duration)));
        }
      }
      return Optional.empty();
    }

    @Override
    public Optional<Occurrence> next(Instant t, Instant until, ZoneId zone) {
      for (Optional<ZonedDateTime> s = schedule.next(t.atZone(zone), until);
          s.isPresent();
          s = schedule.next(s.get(), until)) {
        if (firstOfRepeated(s.get())) {
          return Optional.of(new Occurrence(s.get(), s.get().plus(duration)));
        }
      }
      return Optional.empty();
    }

    private static boolean firstOfRepeated(ZonedDateTime local) {
      return local.withEarlierOffsetAtOverlap().toInstant().equals(local.toInstant());
    }
  }

  private static Optional<Occurrence> starting(Instant t, Instant until, Occurrence o) {
    Instant start = o.start().toInstant();
    return start.isAfter(t) && start.isBefore(until) ? Optional.of(o) : Optional.empty();
  }

  private static Optional<Occurrence> within(Instant t, ZonedDateTime start, ZonedDateTime end) {
    boolean open = !t.isBefore(start.toInstant()) && t.isBefore(end.toInstant());
    return open ? Optional.of(new Occurrence(start, end)) : Optional.empty();
  }
}
