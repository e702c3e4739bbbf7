package io.interlock.worker.props;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * JSON values a field should never accept: the wrong kind (object, array, text for a number),
 * numbers no long holds or no count can be, text over a limit (some just over, some ~1 MB), and
 * names with path and URL characters or invisible ones.
 *
 * <p>The same as the activities module's io.interlock.gate.HostileValues: modules here share no
 * test code.
 */
final class HostileBodyValues {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private HostileBodyValues() {}

  /** An object or array where text is expected. */
  static Arbitrary<JsonNode> containers() {
    return Arbitraries.of(
        NODES.objectNode(),
        NODES.arrayNode(),
        NODES.arrayNode().add("staging"),
        NODES.objectNode().put("value", "staging"),
        NODES.arrayNode().add(NODES.nullNode()),
        NODES.objectNode().set("a", NODES.objectNode().set("b", NODES.arrayNode())));
  }

  /** Not a whole number in any reading: text, containers, fractions, non-numbers. */
  static Arbitrary<JsonNode> notACount() {
    return Arbitraries.oneOf(
        Arbitraries.of("abc", "12abc", "0x10", "1e999x", "∞", "-", "3600 seconds", "١٢")
            .map(s -> (JsonNode) NODES.textNode(s)),
        containers(),
        Arbitraries.of(NODES.booleanNode(true), NODES.numberNode(new BigDecimal("1e400"))),
        Arbitraries.bigDecimals()
            .between(BigDecimal.valueOf(-10), BigDecimal.valueOf(100_000))
            .ofScale(2)
            .filter(d -> d.stripTrailingZeros().scale() > 0)
            .map(d -> (JsonNode) NODES.numberNode(d)));
  }

  /** Numbers outside a long or below one: never a timeout, never wrapped into one. */
  static Arbitrary<JsonNode> outOfRange() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            NODES.numberNode(new BigInteger("18446744073709551621")),
            NODES.numberNode(new BigInteger("-18446744073709551621")),
            NODES.numberNode(new BigInteger("9223372036854775808")),
            NODES.numberNode(9e18),
            NODES.numberNode(-9e18),
            NODES.numberNode(Long.MAX_VALUE),
            NODES.numberNode(Long.MIN_VALUE),
            NODES.numberNode(0),
            NODES.numberNode(-1)),
        Arbitraries.longs().between(Long.MIN_VALUE, 0).map(n -> (JsonNode) NODES.numberNode(n)),
        Arbitraries.bigIntegers()
            .between(BigInteger.TWO.pow(63), BigInteger.TWO.pow(80))
            .map(n -> (JsonNode) NODES.numberNode(n)));
  }

  /** Text longer than {@code limit} characters: mostly just over it, sometimes up to ~1 MB. */
  static Arbitrary<String> over(int limit) {
    Arbitrary<Integer> length =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.integers().between(limit + 1, limit + 16)),
            Tuple.of(1, Arbitraries.integers().between(limit + 1, 1_000_000)));
    return length.flatMap(n -> filler().map(c -> c.repeat(n)));
  }

  private static Arbitrary<String> filler() {
    return Arbitraries.of("x", "é", "\u202e", "#");
  }

  /**
   * Names a client might try to escape or confuse with: path and URL characters, case, invisibles.
   */
  static Arbitrary<String> hostileNames(String valid) {
    return Arbitraries.oneOf(
            Arbitraries.of(
                valid.toUpperCase(),
                valid + "#x",
                valid + "?x=1",
                valid + "/..",
                "../" + valid,
                "..",
                ".",
                valid + "/x",
                "/" + valid,
                valid + "%2F..",
                " " + valid,
                valid + " ",
                valid + "\u0000",
                valid + "\u200b",
                "\u202e" + valid,
                valid + "\ufeff",
                valid + "\n",
                lookAlike(valid)),
            controlOrFormat()
                .map(
                    c ->
                        valid.substring(0, valid.length() / 2)
                            + c
                            + valid.substring(valid.length() / 2)))
        .filter(name -> !name.equals(valid));
  }

  /**
   * The name with one Latin letter swapped for its Cyrillic twin (e → е): the same to a reader, not
   * to a parser.
   */
  private static String lookAlike(String valid) {
    String latin = "aeopcxs";
    String cyrillic = "\u0430\u0435\u043e\u0440\u0441\u0445\u0455";
    for (int i = 0; i < valid.length(); i++) {
      int at = latin.indexOf(valid.charAt(i));
      if (at >= 0) {
        return valid.substring(0, i) + cyrillic.charAt(at) + valid.substring(i + 1);
      }
    }
    return "\u0430" + valid;
  }

  /**
   * One control or format character (C0, DEL, C1, zero-width, bidi overrides and isolates, BOM).
   */
  static Arbitrary<String> controlOrFormat() {
    return Arbitraries.oneOf(
            Arbitraries.chars().range('\u0000', '\u001f'),
            Arbitraries.chars().range('\u007f', '\u009f'),
            Arbitraries.chars().range('\u200b', '\u200f'),
            Arbitraries.chars().range('\u202a', '\u202e'),
            Arbitraries.chars().range('\u2066', '\u2069'),
            Arbitraries.of('\ufeff', '\u00ad', '\u061c', '\u2028', '\u2029'))
        .map(String::valueOf);
  }

  /** Field names none of {@code real} is, near-misses of them among others. */
  static Arbitrary<String> unknownFieldNames(java.util.List<String> real) {
    return Arbitraries.oneOf(
            Arbitraries.of(real)
                .flatMap(
                    r -> Arbitraries.of(r.toUpperCase(), r + " ", "_" + r, r + "#", r + "\u200b")),
            Arbitraries.of("approved", "executed", "taskRunId", "__proto__", "$ref", ""),
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12).map(s -> "x-" + s))
        .filter(name -> !real.contains(name));
  }
}
