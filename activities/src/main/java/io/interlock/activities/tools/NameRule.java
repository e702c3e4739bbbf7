package io.interlock.activities.tools;

import java.util.regex.Pattern;

/**
 * Kubernetes' own rules for names (apimachinery's IsDNS1123Subdomain and IsDNS1123Label), checked
 * before a name goes anywhere near a URL: a name that breaks them could change the request path
 * ('/', '..') or drop its query ('#', '?'), e.g. the {@code dryRun=All} of a preview.
 */
public enum NameRule {
  /** Object names (most kinds): dot-separated labels, at most 253 characters. */
  OBJECT_NAME(
      "dns-1123-subdomain",
      253,
      Patterns.SUBDOMAIN,
      "lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"),
  /** Namespace names: one label, at most 63 characters. */
  NAMESPACE(
      "dns-1123-label",
      63,
      Patterns.LABEL,
      "lower-case letters, digits and '-', starting and ending with a letter or digit");

  private static final int SHOWN = 64;

  private final String id;
  private final int maxLength;
  private final Pattern pattern;
  private final String alphabet;

  NameRule(String id, int maxLength, Pattern pattern, String alphabet) {
    this.id = id;
    this.maxLength = maxLength;
    this.pattern = pattern;
    this.alphabet = alphabet;
  }

  /** Why {@code value} breaks the rule (naming the rule, the value and the fix), or null. */
  public String problem(String value) {
    if (value.length() <= maxLength && pattern.matcher(value).matches()) {
      return null;
    }
    return shown(value)
        + " is not a valid "
        + (this == NAMESPACE ? "namespace" : "object name")
        + " (rule "
        + id
        + ": at most "
        + maxLength
        + " "
        + alphabet
        + "); use the name exactly as `kubectl get` shows it";
  }

  public int maxLength() {
    return maxLength;
  }

  /** The rule as a JSON Schema pattern. */
  public String jsonPattern() {
    return "^" + pattern.pattern() + "$";
  }

  private static String shown(String value) {
    String escaped = value.length() > SHOWN ? value.substring(0, SHOWN) + "…" : value;
    // Control characters would garble a terminal; the length says what was cut.
    escaped = escaped.replaceAll("\\p{Cntrl}", "?");
    return "'"
        + escaped
        + "'"
        + (value.length() > SHOWN ? " (" + value.length() + " characters)" : "");
  }

  /** Built outside the enum so each constant can use them. */
  private static final class Patterns {
    static final String LABEL_TEXT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    static final Pattern LABEL = Pattern.compile(LABEL_TEXT);
    static final Pattern SUBDOMAIN = Pattern.compile(LABEL_TEXT + "(\\." + LABEL_TEXT + ")*");
  }
}
