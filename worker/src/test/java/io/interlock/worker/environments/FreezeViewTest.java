package io.interlock.worker.environments;

import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.activities.policy.CronSchedule;
import io.interlock.activities.policy.EnvironmentPolicy;
import io.interlock.activities.policy.FreezeWindow;
import io.interlock.activities.policy.WindowSchedule;
import io.interlock.worker.environments.EnvironmentService.FreezeView;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the environments page shows of a freeze window: open now, or its next occurrence. */
class FreezeViewTest {
  private static EnvironmentPolicy with(WindowSchedule schedule, ZoneId zone) {
    FreezeWindow w = new FreezeWindow("w", FreezeWindow.Type.DENY, zone, schedule, false, null);
    return new EnvironmentPolicy(
        "staging",
        null,
        null,
        null,
        List.of("shop"),
        List.of(),
        null,
        null,
        null,
        List.of(w),
        null,
        0,
        List.of());
  }

  @Test
  @DisplayName(
      "given a 2-minute window at :03 past each hour, should show the next one exactly (a 15-minute probe misses it)")
  void shortWindowIsShown() {
    var e =
        with(
            new WindowSchedule.Cron(CronSchedule.parse("3 * * * *"), Duration.ofMinutes(2)),
            ZoneId.of("UTC"));
    FreezeView v = EnvironmentService.freezes(e, Instant.parse("2026-06-10T10:10:00Z")).get(0);
    assertThat(v.active()).isFalse();
    assertThat(v.start()).isEqualTo("2026-06-10T11:03Z");
    assertThat(v.end()).isEqualTo("2026-06-10T11:05Z");
  }

  @Test
  @DisplayName(
      "given a nightly window across New York spring-forward, should show the next start in local time")
  void nextDailyWindowAcrossDst() {
    var e =
        with(
            new WindowSchedule.Daily(
                Set.of(DayOfWeek.SUNDAY), LocalTime.of(1, 0), LocalTime.of(4, 0)),
            ZoneId.of("America/New_York"));
    FreezeView v = EnvironmentService.freezes(e, Instant.parse("2026-03-07T12:00:00Z")).get(0);
    assertThat(v.start()).isEqualTo("2026-03-08T01:00-05:00");
    assertThat(v.end()).isEqualTo("2026-03-08T04:00-04:00");
  }

  @Test
  @DisplayName("given an open window, should show the occurrence it is in")
  void openWindowIsShown() {
    var e =
        with(
            new WindowSchedule.Cron(CronSchedule.parse("0 22 * * FRI"), Duration.ofHours(56)),
            ZoneId.of("UTC"));
    FreezeView v = EnvironmentService.freezes(e, Instant.parse("2026-06-13T12:00:00Z")).get(0);
    assertThat(v.active()).isTrue();
    assertThat(v.start()).isEqualTo("2026-06-12T22:00Z");
  }
}
