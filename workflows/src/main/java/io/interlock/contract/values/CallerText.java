package io.interlock.contract.values;

/**
 * Text a caller chose, as a message may repeat it: one line, printable, short. Every refusal,
 * reason and error that echoes input goes through here, so no input grows what a task stores.
 */
public final class CallerText {
  /** Characters of caller text a message repeats. */
  public static final int SHOWN = 80;

  private CallerText() {}

  /**
   * Short and one line: control and format characters as '?', the rest cut with its length named.
   */
  public static String shown(String s) {
    return shown(s, SHOWN);
  }

  /** As {@link #shown(String)}, cut at {@code max} characters. */
  public static String shown(String s, int max) {
    if (s == null) {
      return null;
    }
    String cut = s.length() <= max ? s : s.substring(0, max) + "…(" + s.length() + " chars)";
    return cut.replaceAll("[\\p{Cc}\\p{Cf}]", "?");
  }

  /** A whole message of at most {@code max} characters, cut with its length named. */
  public static String bounded(String s, int max) {
    if (s == null || s.length() <= max) {
      return s;
    }
    return s.substring(0, max) + "…(cut: " + s.length() + " chars)";
  }
}
