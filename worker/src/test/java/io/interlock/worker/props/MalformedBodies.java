package io.interlock.worker.props;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Byte-level breakages of a valid JSON object: trailing garbage, two documents, a duplicated key,
 * nesting ~10k deep, invalid UTF-8, a cut-off document, JSON-like syntax that is not JSON. Each is
 * ambiguous or unreadable, so a strict reader must refuse it.
 *
 * <p>The same as the activities module's io.interlock.gate.MalformedJson: modules here share no
 * test code.
 */
final class MalformedBodies {
  private static final ObjectMapper JSON = new ObjectMapper();

  private MalformedBodies() {}

  /** A breakage of {@code valid}, described for the report. */
  record Broken(String how, byte[] bytes) {}

  static Arbitrary<Broken> of(ObjectNode valid) {
    byte[] doc = bytes(valid);
    String text = new String(doc, StandardCharsets.UTF_8);
    String firstKey = valid.fieldNames().next();
    return Arbitraries.frequencyOf(
        Tuple.of(
            1,
            Arbitraries.of(" x", "}", "]", ",", " {", " null", "\u0000", " garbage")
                .map(tail -> broken("trailing garbage " + quote(tail), text + tail))),
        Tuple.of(1, Arbitraries.just(broken("two concatenated objects", text + text))),
        Tuple.of(
            1,
            Arbitraries.of("\"\"", "{}", "null", "\"other\"")
                .map(
                    v ->
                        broken(
                            "duplicate key '" + firstKey + "'",
                            "{\"" + firstKey + "\":" + v + "," + text.substring(1)))),
        Tuple.of(
            1, Arbitraries.integers().between(2_000, 12_000).map(MalformedBodies::deeplyNested)),
        Tuple.of(
            1,
            Combinators.combine(
                    Arbitraries.integers().between(1, Math.max(1, doc.length - 1)), invalidUtf8())
                .as(
                    (at, bad) ->
                        new Broken(
                            "invalid UTF-8 " + hex(bad) + " at byte " + at, splice(doc, at, bad)))),
        // Inside a text value, where a lenient decoder reads it as a character and carries on: the
        // likeliest to slip by.
        Tuple.of(
            3,
            invalidUtf8()
                .map(
                    bad ->
                        new Broken(
                            "invalid UTF-8 " + hex(bad) + " in the last text value",
                            splice(doc, text.lastIndexOf("\":\"") + 3, bad)))),
        Tuple.of(
            1,
            Arbitraries.integers()
                .between(1, Math.max(1, doc.length - 1))
                .map(at -> new Broken("cut off after " + at + " bytes", Arrays.copyOf(doc, at)))),
        Tuple.of(
            1,
            Arbitraries.of(
                broken("single quotes", text.replace('"', '\'')),
                broken("a comment", "/* x */" + text),
                broken("NaN", "{\"" + firstKey + "\":NaN}"),
                broken("unquoted key", "{" + firstKey + ":1}"),
                broken("empty document", ""),
                broken("only whitespace", " \n\t "))));
  }

  /** Arrays nested {@code depth} deep under the first key: deeper than any reader should follow. */
  private static Broken deeplyNested(int depth) {
    StringBuilder b = new StringBuilder(depth * 2 + 16).append("{\"x\":");
    b.append("[".repeat(depth)).append("]".repeat(depth)).append('}');
    return broken("nested " + depth + " levels", b.toString());
  }

  private static Arbitrary<byte[]> invalidUtf8() {
    return Arbitraries.of(
        new byte[] {(byte) 0xff},
        new byte[] {(byte) 0xc3, 0x28},
        new byte[] {(byte) 0xc0, (byte) 0xaf},
        new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
        new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        new byte[] {(byte) 0x80});
  }

  private static byte[] splice(byte[] doc, int at, byte[] insert) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(doc.length + insert.length);
    out.write(doc, 0, at);
    out.write(insert, 0, insert.length);
    out.write(doc, at, doc.length - at);
    return out.toByteArray();
  }

  private static Broken broken(String how, String text) {
    return new Broken(how, text.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] bytes(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String quote(String s) {
    return s.replace("\u0000", "\\u0000");
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x", x & 0xff));
    }
    return s.toString();
  }
}
