package io.interlock.workflows.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.interlock.contract.commands.ToolCall;
import io.interlock.workflows.StrictJsonPayloadConverter;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverterException;
import io.temporal.common.converter.EncodingKeys;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The call hash binds what a call says, not how it was written: key order, integer width and JSON
 * escapes never change it, a round trip through the engine's payload converter (how every call
 * reaches the workflow and crosses continue-as-new) never changes it, and any change of a key or a
 * value changes it.
 */
class CallHashPropertiesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final StrictJsonPayloadConverter CONVERTER = new StrictJsonPayloadConverter();

  @Provide
  Arbitrary<Map<String, Object>> args() {
    return objects(3);
  }

  @Property(tries = 10_000)
  @Label(
      "same call, however written: permuted keys, wider integers, escaped text, a converter round trip")
  void sameCallSameHash(@ForAll("args") Map<String, Object> args, @ForAll long seed)
      throws Exception {
    String hash = hash(new ToolCall("k8s.apply", args));
    Random random = new Random(seed);
    assertThat(hash(new ToolCall("k8s.apply", permuted(args, random))))
        .as("keys permuted")
        .isEqualTo(hash);
    assertThat(hash(new ToolCall("k8s.apply", widened(args))))
        .as("integers as long/BigInteger")
        .isEqualTo(hash);
    String escaped =
        escapeNonAscii(JSON.writeValueAsString(Map.of("tool", "k8s.apply", "args", args)), random);
    assertThat(hash(decode(escaped))).as("decoded from %s", escaped).isEqualTo(hash);
    ToolCall roundTripped =
        decode(
            new String(
                CONVERTER
                    .toData(new ToolCall("k8s.apply", args))
                    .orElseThrow()
                    .getData()
                    .toByteArray(),
                StandardCharsets.UTF_8));
    assertThat(hash(roundTripped)).as("after the payload converter").isEqualTo(hash);
  }

  @Property(tries = 10_000)
  @Label("a different call: one key or value changed anywhere in the arguments changes the hash")
  void differentCallDifferentHash(@ForAll("args") Map<String, Object> args, @ForAll long seed) {
    Map<String, Object> changed = changedOnce(args, new Random(seed));
    assertThat(hash(new ToolCall("k8s.apply", changed)))
        .as("%s -> %s", args, changed)
        .isNotEqualTo(hash(new ToolCall("k8s.apply", args)));
  }

  @Property(tries = 10_000)
  @Label("the same arguments in another task, step, environment or tool hash differently")
  void bindingFieldsChangeTheHash(@ForAll("args") Map<String, Object> args) {
    ToolCall call = new ToolCall("k8s.apply", args);
    String hash = CallHash.of(new Step(1, call, null, "t"), "run-1", "staging");
    assertThat(CallHash.of(new Step(2, call, null, "t"), "run-1", "staging")).isNotEqualTo(hash);
    assertThat(CallHash.of(new Step(1, call, null, "t"), "run-2", "staging")).isNotEqualTo(hash);
    assertThat(CallHash.of(new Step(1, call, null, "t"), "run-1", "prod")).isNotEqualTo(hash);
    assertThat(
            CallHash.of(
                new Step(1, new ToolCall("k8s.patch", args), null, "t"), "run-1", "staging"))
        .isNotEqualTo(hash);
    assertThat(CallHash.of(new Step(1, call, "s0", "t"), "run-1", "staging")).isNotEqualTo(hash);
  }

  private static String hash(ToolCall call) {
    return CallHash.of(new Step(1, call, null, "2026-12-01T00:00:00Z"), "run-1", "staging");
  }

  private static ToolCall decode(String json) {
    Payload p =
        Payload.newBuilder()
            .putMetadata(EncodingKeys.METADATA_ENCODING_KEY, ByteString.copyFromUtf8("json/plain"))
            .setData(ByteString.copyFromUtf8(json))
            .build();
    try {
      return CONVERTER.fromData(p, ToolCall.class, ToolCall.class);
    } catch (DataConverterException e) {
      throw new AssertionError("the converter refused " + json, e);
    }
  }

  // Generators: the values a decoded JSON document holds (Integer, Long, BigInteger, Double, text,
  // ...).

  private static Arbitrary<Map<String, Object>> objects(int depth) {
    return Arbitraries.maps(keys(), values(depth - 1))
        .ofMaxSize(4)
        .map(m -> (Map<String, Object>) new LinkedHashMap<>(m));
  }

  private static Arbitrary<String> keys() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "name",
            "namespace",
            "replicas",
            "spec",
            "Name",
            "name ",
            "",
            "ünïcode",
            "e\u0301",
            "\u00e9",
            "\ud83d\ude80",
            "a.b",
            "$ref"),
        Arbitraries.strings().ofMaxLength(6));
  }

  private static Arbitrary<Object> values(int depth) {
    List<Arbitrary<Object>> leaves =
        List.of(
            Arbitraries.strings().ofMaxLength(12).map(s -> (Object) s),
            Arbitraries.of(
                    "", "web", "e\u0301", "\u00e9", "\ud83d\ude80", "\u0000", "\u2028", "\"", "\\")
                .map(s -> (Object) s),
            Arbitraries.integers().map(i -> (Object) i),
            Arbitraries.longs().map(l -> (Object) l),
            Arbitraries.bigIntegers()
                .between(BigInteger.TWO.pow(63), BigInteger.TWO.pow(90))
                .map(b -> (Object) b),
            Arbitraries.doubles().filter(Double::isFinite).map(d -> (Object) d),
            Arbitraries.of(0.1, 1e-7, 1e21, -0.5, 3.0, 5e-324, Double.MAX_VALUE)
                .map(d -> (Object) d),
            Arbitraries.of(true, false).map(b -> (Object) b));
    if (depth <= 0) {
      return Arbitraries.oneOf(leaves);
    }
    List<Arbitrary<Object>> all = new ArrayList<>(leaves);
    all.add(objects(depth).map(m -> (Object) m));
    all.add(values(depth - 1).list().ofMaxSize(3).map(l -> (Object) l));
    return Arbitraries.oneOf(all);
  }

  // Rewritings that keep the call the same.

  @SuppressWarnings("unchecked")
  private static Map<String, Object> permuted(Map<String, Object> m, Random random) {
    List<String> keys = new ArrayList<>(m.keySet());
    Collections.shuffle(keys, random);
    Map<String, Object> out = new LinkedHashMap<>();
    for (String k : keys) {
      out.put(k, permutedValue(m.get(k), random));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object permutedValue(Object v, Random random) {
    if (v instanceof Map<?, ?> map) {
      return permuted((Map<String, Object>) map, random);
    }
    if (v instanceof List<?> list) {
      return list.stream().map(x -> permutedValue(x, random)).toList();
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> widened(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, widenedValue(v)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object widenedValue(Object v) {
    if (v instanceof Integer i) {
      return (long) i;
    }
    if (v instanceof Long l) {
      return BigInteger.valueOf(l);
    }
    if (v instanceof Map<?, ?> map) {
      return widened((Map<String, Object>) map);
    }
    if (v instanceof List<?> list) {
      return list.stream().map(CallHashPropertiesTest::widenedValue).toList();
    }
    return v;
  }

  /**
   * Every non-ASCII character, and some ASCII letters, written as a JSON \\u escape; escapes
   * already there kept.
   */
  private static String escapeNonAscii(String json, Random random) {
    StringBuilder out = new StringBuilder();
    boolean inString = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString && c == '\\') {
        int length = json.charAt(i + 1) == 'u' ? 6 : 2;
        out.append(json, i, i + length);
        i += length - 1;
      } else if (c == '"') {
        inString = !inString;
        out.append(c);
      } else if (inString && (c > 126 || (Character.isLetter(c) && random.nextInt(4) == 0))) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  // One change that makes a different call.

  @SuppressWarnings("unchecked")
  private static Map<String, Object> changedOnce(Map<String, Object> args, Random random) {
    Map<String, Object> out = new LinkedHashMap<>(args);
    List<String> keys = new ArrayList<>(out.keySet());
    if (keys.isEmpty() || random.nextInt(5) == 0) {
      out.put(freshKey(out, random), random.nextBoolean());
      return out;
    }
    String key = keys.get(random.nextInt(keys.size()));
    Object v = out.get(key);
    switch (random.nextInt(3)) {
      case 0 -> out.remove(key);
      case 1 -> {
        out.remove(key);
        out.put(freshKey(out, random), v);
      }
      default -> {
        if (v instanceof Map<?, ?> map && !map.isEmpty() && random.nextBoolean()) {
          out.put(key, changedOnce((Map<String, Object>) map, random));
        } else {
          out.put(key, otherValue(v));
        }
      }
    }
    return out;
  }

  private static String freshKey(Map<String, Object> m, Random random) {
    String k = "k" + random.nextInt(1000);
    while (m.containsKey(k)) {
      k = k + "x";
    }
    return k;
  }

  /** A value that is not the same JSON value as {@code v}, whatever its type. */
  private static Object otherValue(Object v) {
    if (v instanceof String s) {
      return s.isEmpty()
          ? " "
          : s.substring(0, s.length() - 1) + (char) (s.charAt(s.length() - 1) ^ 1);
    }
    if (v instanceof Integer || v instanceof Long || v instanceof BigInteger) {
      return new BigInteger(v.toString()).add(BigInteger.ONE);
    }
    if (v instanceof Double d) {
      return new BigDecimal(d).add(BigDecimal.ONE).doubleValue() == d ? String.valueOf(d) : d + 1;
    }
    if (v instanceof Boolean b) {
      return !b;
    }
    if (v instanceof List<?> l) {
      List<Object> longer = new ArrayList<>(l);
      longer.add(null);
      return longer;
    }
    return List.of();
  }
}
