package io.interlock.activities.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Key files parsed once per exact text: policy checks read the files every time (so a changed key
 * counts at once) and parsing them again, not reading them, was the cost. The newest 32 texts are
 * kept; a parse must return a value no caller can change.
 */
final class ParsedByText<T> {
  private static final int KEPT = 32;

  private final Function<String, T> parse;
  private final Map<String, T> parsed =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, T> eldest) {
              return size() > KEPT;
            }
          });

  ParsedByText(Function<String, T> parse) {
    this.parse = parse;
  }

  /** The parse of {@code text}; a parse that throws keeps nothing. */
  T of(String text) {
    T known = parsed.get(text);
    if (known == null) {
      known = parse.apply(text);
      parsed.put(text, known);
    }
    return known;
  }
}
