package io.interlock.activities.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Cron windows computed from cron-utils' previous/next executions agree, minute for minute, with
 * the definition: walk back from t one minute at a time to the most recent start still open (the
 * first of a repeated local time, never a skipped one). Instants cluster around DST changes and
 * midnight.
 */
@Label("cron windows: cron-utils executions agree with the minute-by-minute definition")
class CronWindowPropertiesTest {
  private static final Instant[] EDGES = {
    Instant.parse("2026-03-29T01:00:00Z"), // Berlin spring-forward
    Instant.parse("2026-10-25T01:00:00Z"), // Berlin fall-back
    Instant.parse("2026-03-08T07:00:00Z"), // New York spring-forward
    Instant.parse("2026-11-01T06:00:00Z"), // New York fall-back
    Instant.parse("2026-06-12T22:00:00Z"), // a Friday 13th midnight in Berlin
    Instant.parse("2026-12-31T23:00:00Z")
  }; // new year in Berlin

  record Case(String cron, Duration duration, ZoneId zone, Instant t) {}

  /** The definition the old code computed: every minute from t back over the window's duration. */
  private static Optional<WindowSchedule.Occurrence> byWalking(Case c) {
    CronSchedule schedule = CronSchedule.parse(c.cron());
    Instant earliest = c.t().minus(c.duration());
    for (Instant m = c.t().truncatedTo(ChronoUnit.MINUTES);
        m.isAfter(earliest);
        m = m.minus(1, ChronoUnit.MINUTES)) {
      ZonedDateTime local = m.atZone(c.zone());
      boolean firstOfRepeated = local.withEarlierOffsetAtOverlap().toInstant().equals(m);
      if (firstOfRepeated && schedule.matches(local.toLocalDateTime())) {
        return Optional.of(new WindowSchedule.Occurrence(local, local.plus(c.duration())));
      }
    }
    return Optional.empty();
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<String> cron =
        Combinators.combine(
                Arbitraries.of("0", "30", "*/15", "5,35", "*", "59"),
                Arbitraries.of("*", "2", "1-3", "22", "*/6", "0", "23"),
                Arbitraries.of("*", "1", "13", "*/2", "1-7", "30"),
                Arbitraries.of("*", "3,10", "11", "MAR", "*"),
                Arbitraries.of("*", "0", "FRI", "1-5", "7", "SAT,SUN"))
            .as((mi, h, dom, mo, dow) -> mi + " " + h + " " + dom + " " + mo + " " + dow);
    Arbitrary<Duration> duration =
        Arbitraries.of(1L, 5L, 59L, 60L, 90L, 240L, 1500L).map(Duration::ofMinutes);
    Arbitrary<ZoneId> zone =
        Arbitraries.of("Europe/Berlin", "America/New_York", "UTC").map(ZoneId::of);
    Arbitrary<Instant> t =
        Combinators.combine(
                Arbitraries.of(EDGES),
                Arbitraries.longs().between(-1500, 1500),
                Arbitraries.integers().between(0, 59))
            .as((edge, min, sec) -> edge.plus(Duration.ofMinutes(min)).plusSeconds(sec));
    return Combinators.combine(cron, duration, zone, t).as(Case::new);
  }

  @Property(tries = 1_000)
  @Label("the occurrence open at t is the one the minute-by-minute walk finds")
  void openOccurrenceMatchesTheWalk(@ForAll("cases") Case c) {
    var w = new WindowSchedule.Cron(CronSchedule.parse(c.cron()), c.duration());
    assertThat(w.occurrenceAt(c.t(), c.zone())).as("%s", c).isEqualTo(byWalking(c));
  }

  @Example
  @Label(
      "at New York's fall-back, the next 01:00 is the first one (EDT), not the repeated one (EST)")
  void nextAtFallBackIsTheFirstOfTheRepeatedHour() {
    var w = new WindowSchedule.Cron(CronSchedule.parse("0 1-3 * 11 *"), Duration.ofMinutes(1));
    Instant t = Instant.parse("2026-11-01T03:59:00Z");
    assertThat(
            w.next(t, t.plus(Duration.ofDays(2)), ZoneId.of("America/New_York"))
                .orElseThrow()
                .start()
                .toInstant())
        .isEqualTo(Instant.parse("2026-11-01T05:00:00Z"));
  }

  @Property(tries = 300)
  @Label("the next occurrence starts after t, and no start the walk accepts lies between")
  void nextOccurrenceIsTheFirstAfter(@ForAll("cases") Case c) {
    CronSchedule schedule = CronSchedule.parse(c.cron());
    Optional<WindowSchedule.Occurrence> next =
        new WindowSchedule.Cron(schedule, c.duration())
            .next(c.t(), c.t().plus(Duration.ofDays(800)), c.zone());
    assertThat(next).as("%s: every case's cron fires at least once a year", c).isPresent();
    ZonedDateTime start = next.get().start();
    assertThat(start.toInstant()).isAfter(c.t());
    assertThat(schedule.matches(start.toLocalDateTime())).isTrue();
    Instant limit = c.t().plus(Duration.ofDays(3));
    for (Instant m = c.t().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
        m.isBefore(start.toInstant()) && m.isBefore(limit);
        m = m.plus(1, ChronoUnit.MINUTES)) {
      ZonedDateTime local = m.atZone(c.zone());
      boolean firstOfRepeated = local.withEarlierOffsetAtOverlap().toInstant().equals(m);
      assertThat(firstOfRepeated && schedule.matches(local.toLocalDateTime()))
          .as("%s: earlier start %s", c, local)
          .isFalse();
    }
  }
}
