package io.interlock.activities.policy;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A standard 5-field cron expression ({@code minute hour day-of-month month day-of-week}) as Argo
 * CD sync windows use it: lists, ranges, steps, month and day names, 0 or 7 for Sunday, and the
 * {@code @hourly @daily @weekly @monthly @yearly} shortcuts. When both day fields are restricted a
 * day matches either (classic cron).
 *
 * <p>Previous and next matches step through cron-utils' executions of the minute, hour and month
 * fields, each confirmed against {@link #matches}: the two can never disagree about a minute.
 */
public final class CronSchedule {
  private static final CronParser UNIX =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private static final Map<String, String> SHORTCUTS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");
  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  private final String expression;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean domRestricted;
  private final boolean dowRestricted;

  /**
   * Minutes, hours and months as cron-utils steps through them; the day fields are judged by {@link
   * #matches}.
   */
  private final ExecutionTime times;

  private CronSchedule(String expression, String[] f) {
    this.expression = expression;
    minutes = field("minute", f[0], 0, 59, List.of(), 0);
    hours = field("hour", f[1], 0, 23, List.of(), 0);
    daysOfMonth = field("day-of-month", f[2], 1, 31, List.of(), 1);
    months = field("month", f[3], 1, 12, MONTHS, 1);
    daysOfWeek = field("day-of-week", f[4], 0, 7, DAYS, 0);
    if (daysOfWeek.get(7)) {
      daysOfWeek.set(0); // 7 is Sunday too
    }
    domRestricted = !f[2].startsWith("*");
    dowRestricted = !f[4].startsWith("*");
    times =
        ExecutionTime.forCron(
            UNIX.parse(
                list(minutes, 0, 59)
                    + " "
                    + list(hours, 0, 23)
                    + " * "
                    + list(months, 1, 12)
                    + " *"));
  }

  /** The bits as cron-utils reads them: numbers only, so names and aliases are ours alone. */
  private static String list(BitSet bits, int min, int max) {
    return bits.stream()
        .filter(v -> v >= min && v <= max)
        .mapToObj(Integer::toString)
        .collect(Collectors.joining(","));
  }

  /**
   * The latest minute strictly before {@code t} and after {@code stop} that {@link #matches}:
   * cron-utils steps over the minutes, hours and months that cannot match; the days are checked
   * here.
   */
  public Optional<ZonedDateTime> previous(ZonedDateTime t, Instant stop) {
    for (Optional<ZonedDateTime> p = times.lastExecution(t);
        p.isPresent() && p.get().toInstant().isAfter(stop);
        p = times.lastExecution(p.get())) {
      if (matches(p.get().toLocalDateTime())) {
        return p;
      }
    }
    return Optional.empty();
  }

  /** The earliest minute strictly after {@code t} and before {@code stop} that {@link #matches}. */
  public Optional<ZonedDateTime> next(ZonedDateTime t, Instant stop) {
    for (Optional<ZonedDateTime> n = times.nextExecution(t);
        n.isPresent() && n.get().toInstant().isBefore(stop);
        n = times.nextExecution(n.get())) {
      // At a DST fall-back cron-utils may answer the later of a repeated local time; the earlier
      // comes first.
      ZonedDateTime first = n.get().withEarlierOffsetAtOverlap();
      ZonedDateTime at = first.isAfter(t) ? first : n.get();
      if (matches(at.toLocalDateTime())) {
        return Optional.of(at);
      }
    }
    return Optional.empty();
  }

  /**
   * Parses {@code expression}.
   *
   * @throws IllegalArgumentException naming the field and value that are wrong
   */
  public static CronSchedule parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("empty cron expression");
    }
    String trimmed = expression.trim();
    String expanded = SHORTCUTS.getOrDefault(trimmed.toLowerCase(Locale.ROOT), trimmed);
    String[] fields = expanded.split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException(
          "cron '"
              + expression
              + "' has "
              + fields.length
              + " fields; expected 5: minute hour day-of-month month day-of-week");
    }
    return new CronSchedule(expression, fields);
  }

  /** True when the schedule fires at this local minute (seconds are ignored). */
  public boolean matches(LocalDateTime t) {
    if (!minutes.get(t.getMinute()) || !hours.get(t.getHour()) || !months.get(t.getMonthValue())) {
      return false;
    }
    boolean dom = daysOfMonth.get(t.getDayOfMonth());
    boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
    if (domRestricted && dowRestricted) {
      return dom || dow;
    }
    return dom && dow;
  }

  public String expression() {
    return expression;
  }

  @Override
  public String toString() {
    return expression;
  }

  private BitSet field(
      String name, String text, int min, int max, List<String> names, int nameBase) {
    BitSet bits = new BitSet(max + 1);
    for (String part : text.split(",")) {
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(name, part.substring(slash + 1), 1, max, List.of(), 0);
      }
      int lo;
      int hi;
      if (range.equals("*")) {
        lo = min;
        hi = max;
      } else if (range.contains("-")) {
        String[] ends = range.split("-", 2);
        lo = number(name, ends[0], min, max, names, nameBase);
        hi = number(name, ends[1], min, max, names, nameBase);
        if (hi < lo) {
          throw new IllegalArgumentException(name + " range '" + range + "' runs backwards");
        }
      } else {
        lo = number(name, range, min, max, names, nameBase);
        hi = slash >= 0 ? max : lo;
      }
      for (int v = lo; v <= hi; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int number(
      String name, String text, int min, int max, List<String> names, int nameBase) {
    int named = names.indexOf(text.toUpperCase(Locale.ROOT));
    if (named >= 0) {
      return named + nameBase;
    }
    try {
      int v = Integer.parseInt(text);
      if (v < min || v > max) {
        throw new IllegalArgumentException(name + " value " + v + " is outside " + min + "-" + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " value '" + text + "' is not a number or name");
    }
  }
}
