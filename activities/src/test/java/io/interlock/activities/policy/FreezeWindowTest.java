package io.interlock.activities.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Freeze windows: own IANA zone, DST-safe, start inclusive, end exclusive")
class FreezeWindowTest {
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static FreezeWindow window(ZoneId zone, WindowSchedule schedule) {
    return new FreezeWindow("w", FreezeWindow.Type.DENY, zone, schedule, true, null);
  }

  private static boolean open(FreezeWindow w, String instant) {
    return w.occurrenceAt(Instant.parse(instant)).isPresent();
  }

  @Nested
  @DisplayName("absolute ranges")
  class Absolute {
    private final FreezeWindow blackFriday =
        window(
            NEW_YORK,
            new WindowSchedule.Absolute(
                LocalDateTime.parse("2026-11-27T00:00"), LocalDateTime.parse("2026-11-30T00:00")));

    @Test
    @DisplayName("given the exact start instant, should be open (start is inclusive)")
    void givenStartInstant_shouldBeOpen() {
      assertThat(open(blackFriday, "2026-11-27T05:00:00Z")).isTrue(); // 00:00 EST
      assertThat(open(blackFriday, "2026-11-27T04:59:59Z")).isFalse();
    }

    @Test
    @DisplayName("given the exact end instant, should be closed (end is exclusive)")
    void givenEndInstant_shouldBeClosed() {
      assertThat(open(blackFriday, "2026-11-30T04:59:59Z")).isTrue();
      assertThat(open(blackFriday, "2026-11-30T05:00:00Z")).isFalse();
    }

    @Test
    @DisplayName("given an occurrence, should describe it in the window's zone")
    void givenOccurrence_shouldDescribeInZone() {
      var o = blackFriday.occurrenceAt(Instant.parse("2026-11-28T15:00:00Z")).orElseThrow();
      assertThat(blackFriday.describe(o))
          .isEqualTo("America/New_York, 2026-11-27T00:00 to 2026-11-30T00:00");
    }
  }

  @Nested
  @DisplayName("daily windows")
  class Daily {
    @Test
    @DisplayName(
        "given Fri 22:00-06:00, should stay open across midnight into Saturday and close at 06:00")
    void givenWindowAcrossMidnight_shouldCoverTheNextMorning() {
      FreezeWindow w =
          window(
              BERLIN,
              new WindowSchedule.Daily(
                  Set.of(DayOfWeek.FRIDAY), LocalTime.of(22, 0), LocalTime.of(6, 0)));
      // 2026-06-12 is a Friday; Berlin is UTC+2 in summer.
      assertThat(open(w, "2026-06-12T19:59:00Z")).as("Fri 21:59").isFalse();
      assertThat(open(w, "2026-06-12T20:00:00Z")).as("Fri 22:00").isTrue();
      assertThat(open(w, "2026-06-12T22:30:00Z")).as("Sat 00:30").isTrue();
      assertThat(open(w, "2026-06-13T03:59:00Z")).as("Sat 05:59").isTrue();
      assertThat(open(w, "2026-06-13T04:00:00Z")).as("Sat 06:00").isFalse();
      assertThat(open(w, "2026-06-11T21:00:00Z")).as("Thu 23:00").isFalse();
    }

    @Test
    @DisplayName(
        "given New York spring-forward, should last 2 real hours for 01:00-04:00 local and close at 04:00 EDT")
    void givenSpringForwardInNewYork_shouldFollowWallClock() {
      FreezeWindow w =
          window(
              NEW_YORK,
              new WindowSchedule.Daily(
                  Set.of(DayOfWeek.SUNDAY), LocalTime.of(1, 0), LocalTime.of(4, 0)));
      // 2026-03-08: clocks jump from 02:00 EST to 03:00 EDT.
      assertThat(open(w, "2026-03-08T06:00:00Z")).as("01:00 EST").isTrue();
      assertThat(open(w, "2026-03-08T07:30:00Z")).as("03:30 EDT").isTrue();
      assertThat(open(w, "2026-03-08T07:59:59Z")).as("03:59:59 EDT").isTrue();
      assertThat(open(w, "2026-03-08T08:00:00Z")).as("04:00 EDT").isFalse();
      var o = w.occurrenceAt(Instant.parse("2026-03-08T07:00:00Z")).orElseThrow();
      assertThat(Duration.between(o.start(), o.end())).isEqualTo(Duration.ofHours(2));
    }

    @Test
    @DisplayName(
        "given New York fall-back, should cover both 01:30s and last 3 real hours for 00:30-02:30")
    void givenFallBackInNewYork_shouldCoverTheRepeatedHour() {
      FreezeWindow w =
          window(
              NEW_YORK,
              new WindowSchedule.Daily(
                  Set.of(DayOfWeek.SUNDAY), LocalTime.of(0, 30), LocalTime.of(2, 30)));
      // 2026-11-01: clocks fall back from 02:00 EDT to 01:00 EST.
      assertThat(open(w, "2026-11-01T04:30:00Z")).as("00:30 EDT").isTrue();
      assertThat(open(w, "2026-11-01T05:30:00Z")).as("01:30 EDT").isTrue();
      assertThat(open(w, "2026-11-01T06:30:00Z")).as("01:30 EST").isTrue();
      assertThat(open(w, "2026-11-01T07:29:00Z")).as("02:29 EST").isTrue();
      assertThat(open(w, "2026-11-01T07:30:00Z")).as("02:30 EST").isFalse();
      var o = w.occurrenceAt(Instant.parse("2026-11-01T06:00:00Z")).orElseThrow();
      assertThat(Duration.between(o.start(), o.end())).isEqualTo(Duration.ofHours(3));
    }

    @Test
    @DisplayName("given 00:00-00:00, should cover the whole listed day")
    void givenSameStartAndEnd_shouldCoverTheWholeDay() {
      FreezeWindow w =
          window(
              BERLIN,
              new WindowSchedule.Daily(
                  Set.of(DayOfWeek.SATURDAY), LocalTime.MIDNIGHT, LocalTime.MIDNIGHT));
      assertThat(open(w, "2026-06-12T22:00:00Z")).as("Sat 00:00").isTrue();
      assertThat(open(w, "2026-06-13T21:59:00Z")).as("Sat 23:59").isTrue();
      assertThat(open(w, "2026-06-13T22:00:00Z")).as("Sun 00:00").isFalse();
    }
  }

  @Nested
  @DisplayName("weekly spans")
  class Weekly {
    private final FreezeWindow weekend =
        window(
            BERLIN,
            new WindowSchedule.Weekly(
                DayOfWeek.FRIDAY, LocalTime.of(22, 0), DayOfWeek.MONDAY, LocalTime.of(6, 0)));

    @Test
    @DisplayName(
        "given Fri 22:00 to Mon 06:00 across Berlin spring-forward, should open at 22:00 CET and close at 06:00 CEST")
    void givenWeekendAcrossSpringForward_shouldUseEachDaysOffset() {
      // 2026-03-29 (Sunday) Berlin goes from CET (+1) to CEST (+2).
      assertThat(open(weekend, "2026-03-27T20:59:00Z")).as("Fri 21:59 CET").isFalse();
      assertThat(open(weekend, "2026-03-27T21:00:00Z")).as("Fri 22:00 CET").isTrue();
      assertThat(open(weekend, "2026-03-29T01:30:00Z")).as("Sun 03:30 CEST").isTrue();
      assertThat(open(weekend, "2026-03-30T03:59:00Z")).as("Mon 05:59 CEST").isTrue();
      assertThat(open(weekend, "2026-03-30T04:00:00Z")).as("Mon 06:00 CEST").isFalse();
    }

    @Test
    @DisplayName("given Fri 22:00 to Mon 06:00 across Berlin fall-back, should close at 06:00 CET")
    void givenWeekendAcrossFallBack_shouldCloseAtLocalSix() {
      // 2026-10-25 (Sunday) Berlin goes from CEST (+2) to CET (+1).
      assertThat(open(weekend, "2026-10-23T20:00:00Z")).as("Fri 22:00 CEST").isTrue();
      assertThat(open(weekend, "2026-10-26T04:59:00Z")).as("Mon 05:59 CET").isTrue();
      assertThat(open(weekend, "2026-10-26T05:00:00Z")).as("Mon 06:00 CET").isFalse();
    }

    @Test
    @DisplayName("given a midweek instant, should be closed")
    void givenMidweek_shouldBeClosed() {
      assertThat(open(weekend, "2026-06-10T12:00:00Z")).isFalse();
    }
  }

  @Nested
  @DisplayName("cron + duration windows")
  class Cron {
    @Test
    @DisplayName(
        "given Berlin fall-back and a 02:30 start, should open only at the first 02:30 (CEST)")
    void givenRepeatedLocalTime_shouldOpenOnce() {
      FreezeWindow w =
          window(
              BERLIN,
              new WindowSchedule.Cron(CronSchedule.parse("30 2 * * *"), Duration.ofHours(1)));
      // 2026-10-25: 02:30 CEST = 00:30Z, 02:30 CET = 01:30Z.
      assertThat(open(w, "2026-10-25T00:29:00Z")).isFalse();
      assertThat(open(w, "2026-10-25T00:30:00Z")).isTrue();
      assertThat(open(w, "2026-10-25T01:29:59Z")).isTrue();
      assertThat(open(w, "2026-10-25T01:30:00Z"))
          .as("the repeated 02:30 CET does not reopen it")
          .isFalse();
    }

    @Test
    @DisplayName(
        "given New York spring-forward and a 02:30 start, should not open that day (the time does not exist)")
    void givenSkippedLocalTime_shouldNotOpen() {
      FreezeWindow w =
          window(
              NEW_YORK,
              new WindowSchedule.Cron(CronSchedule.parse("30 2 * * *"), Duration.ofHours(1)));
      assertThat(open(w, "2026-03-07T07:45:00Z")).as("Sat 02:45 EST").isTrue();
      assertThat(open(w, "2026-03-08T07:00:00Z")).as("Sun 03:00 EDT").isFalse();
      assertThat(open(w, "2026-03-09T06:45:00Z")).as("Mon 02:45 EDT").isTrue();
    }

    @Test
    @DisplayName("given Fri 22:00 + 56h, should span the weekend in elapsed time")
    void givenLongDuration_shouldSpanDays() {
      FreezeWindow w =
          window(
              NEW_YORK,
              new WindowSchedule.Cron(CronSchedule.parse("0 22 * * FRI"), Duration.ofHours(56)));
      // 2026-06-12 Fri 22:00 EDT = 2026-06-13T02:00Z; +56h = 2026-06-15T10:00Z (Mon 06:00 EDT).
      assertThat(open(w, "2026-06-13T01:59:00Z")).isFalse();
      assertThat(open(w, "2026-06-13T02:00:00Z")).isTrue();
      assertThat(open(w, "2026-06-15T09:59:00Z")).isTrue();
      assertThat(open(w, "2026-06-15T10:00:00Z")).isFalse();
    }

    @Test
    @DisplayName(
        "given cron syntax variants, should parse lists, ranges, steps, names and Sunday as 0 or 7")
    void givenCronVariants_shouldMatch() {
      assertThat(
              CronSchedule.parse("*/15 9-17 * * MON-FRI")
                  .matches(LocalDateTime.parse("2026-06-10T09:45")))
          .isTrue();
      assertThat(
              CronSchedule.parse("*/15 9-17 * * MON-FRI")
                  .matches(LocalDateTime.parse("2026-06-10T09:46")))
          .isFalse();
      assertThat(CronSchedule.parse("0 0 * * 7").matches(LocalDateTime.parse("2026-06-14T00:00")))
          .isTrue();
      assertThat(CronSchedule.parse("0 0 * * 0").matches(LocalDateTime.parse("2026-06-14T00:00")))
          .isTrue();
      assertThat(
              CronSchedule.parse("0 0 1 JAN,jul *")
                  .matches(LocalDateTime.parse("2026-07-01T00:00")))
          .isTrue();
      assertThat(CronSchedule.parse("@daily").matches(LocalDateTime.parse("2026-07-02T00:00")))
          .isTrue();
      // Both day fields restricted: either matches (classic cron).
      assertThat(
              CronSchedule.parse("0 0 13 * FRI").matches(LocalDateTime.parse("2026-06-12T00:00")))
          .isTrue();
    }

    @Test
    @DisplayName("given a bad cron, should say which field is wrong")
    void givenBadCron_shouldNameTheField() {
      assertThatThrownBy(() -> CronSchedule.parse("61 * * * *"))
          .hasMessageContaining("minute value 61 is outside 0-59");
      assertThatThrownBy(() -> CronSchedule.parse("0 * * *")).hasMessageContaining("has 4 fields");
      assertThatThrownBy(() -> CronSchedule.parse("0 0 * * FUNDAY"))
          .hasMessageContaining("day-of-week value 'FUNDAY'");
    }
  }
}
