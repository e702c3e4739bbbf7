package io.interlock.worker.crash;

import io.interlock.activities.policy.PolicyFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * The load topology's policy: the bundled one (same groups, keys and staging) plus two environments
 * of its own, so the environment-wide events of the mix touch nothing else: {@code frozen}, whose
 * freeze window {@code load-freeze} (a cron window, as Argo CD sync windows are written) opens at
 * {@code freezeAt}, and {@code locked}, which the test locks while its writes wait.
 */
record LoadPolicy(Instant freezeAt) {
  static final String FROZEN = "frozen";
  static final String LOCKED = "locked";
  static final String FREEZE_RULE = "freeze.load-freeze";
  static final String LOCK_RULE = "environment.lock";

  /** A window opening at the first minute boundary at least {@code lead} seconds from now. */
  static LoadPolicy openingIn(long leadSeconds) {
    long at = Instant.now().getEpochSecond() + leadSeconds;
    return new LoadPolicy(Instant.ofEpochSecond((at + 59) / 60 * 60));
  }

  /** Writes the policy to {@code file} and checks it reads as valid policy. */
  Path writeTo(Path file) {
    try {
      Files.writeString(file, yaml());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PolicyFile.load(file);
    return file;
  }

  String yaml() {
    ZonedDateTime at = freezeAt.atZone(ZoneOffset.UTC);
    // Once, at that minute of that day (cron has no year; the window lasts 6 h, longer than a run).
    String cron =
        at.getMinute()
            + " "
            + at.getHour()
            + " "
            + at.getDayOfMonth()
            + " "
            + at.getMonthValue()
            + " *";
    return bundled()
        + """

          # ---- added by the load test ----
          %1$s:
            cluster: {simulated: true}
            allowedNamespaces: [shop]
            allowedTools: ["*"]
            approvals: {groups: [sre], required: 1, proof: required}
            requests: {proof: claimed}
            freezeWindows:
              - id: load-freeze
                timezone: UTC
                schedule: "%3$s"
                duration: 6h
                message: "load test: a freeze that starts while writes wait"
          %2$s:
            cluster: {simulated: true}
            allowedNamespaces: [shop]
            allowedTools: ["*"]
            approvals: {groups: [sre], required: 1, proof: required}
            requests: {proof: claimed}
        """
            .formatted(FROZEN, LOCKED, cron);
  }

  private static String bundled() {
    try (InputStream in =
        LoadPolicy.class.getClassLoader().getResourceAsStream(PolicyFile.DEFAULT_RESOURCE)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      // The environments map is the file's last block: the two above are appended to it.
      if (!text.contains("\nenvironments:\n")) {
        throw new AssertionError("the bundled policy no longer ends with its environments map");
      }
      return text.stripTrailing() + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
