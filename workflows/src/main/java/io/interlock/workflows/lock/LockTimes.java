package io.interlock.workflows.lock;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Parses the ISO-8601 instants lock requests carry ("2026-03-01T18:00:00Z" or with an offset). */
final class LockTimes {
  private LockTimes() {}

  static Instant parse(String iso) {
    try {
      return Instant.parse(iso);
    } catch (DateTimeParseException e) {
      // Accept an explicit offset too: people type "2026-03-01T18:00+01:00".
      return OffsetDateTime.parse(iso).toInstant();
    }
  }
}
