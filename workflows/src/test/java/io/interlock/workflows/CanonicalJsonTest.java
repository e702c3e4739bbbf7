package io.interlock.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The canonical JSON every hash is taken over: RFC 8785's own examples where our form is RFC 8785,
 * and the recorded form pinned where it is not (so no digest can drift unnoticed).
 */
class CanonicalJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode parse(String json) throws Exception {
    return JSON.readTree(json);
  }

  @Test
  @DisplayName("RFC 8785 section 3.2.3: members sorted by UTF-16 code units, at every depth")
  void sortsLikeTheRfcExample() throws Exception {
    // The RFC's sorting example: keys written with escapes, sorted as UTF-16 code units.
    JsonNode input =
        parse(
            "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter"
                + " Dalet With Dagesh\",\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning"
                + " Face\",\"\\u0080\":\"Control\",\"\\u00f6\":\"Latin Small Letter O With"
                + " Diaeresis\"}");
    assertThat(CanonicalJson.of(input))
        .isEqualTo(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin"
                + " Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji:"
                + " Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    assertThat(
            CanonicalJson.of(parse("{\"b\":[{\"z\":1,\"y\":{\"d\":null,\"c\":true}}],\"a\":\"\"}")))
        .isEqualTo("{\"a\":\"\",\"b\":[{\"y\":{\"c\":true,\"d\":null},\"z\":1}]}");
  }

  @Test
  @DisplayName("RFC 8785 section 3.2.2: literals, whitespace, string escapes and integers")
  void writesLikeTheRfcExample() throws Exception {
    // The RFC's example minus its fractional numbers and \u000f (both pinned below).
    JsonNode input =
        parse(
            "{\n  \"numbers\": [333333333, 0, -0, 9007199254740991, -1],\n"
                + "  \"string\": \"\\u20ac$\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
                + "  \"literals\": [null, true, false]\n}");
    assertThat(CanonicalJson.of(input))
        .isEqualTo(
            "{\"literals\":[null,true,false],\"numbers\":[333333333,0,0,9007199254740991,-1],"
                + "\"string\":\"\u20ac$\\nA'B\\\"\\\\\\\\\\\"/\"}");
  }

  @Test
  @DisplayName(
      "where RFC 8785 differs, the recorded form is kept: Java doubles, upper-case hex escapes, every"
          + " digit of a big integer")
  void keepsTheRecordedFormWhereTheRfcDiffers() throws Exception {
    // RFC 8785 would write [4.5,0.002,1e+30,3] and "\u000f".
    assertThat(CanonicalJson.of(parse("{\"n\":[4.50,2e-3,1E30,3.0],\"s\":\"\\u000f\\u001F\"}")))
        .isEqualTo("{\"n\":[4.5,0.002,1.0E30,3.0],\"s\":\"\\u000F\\u001F\"}");
    assertThat(CanonicalJson.ofValue(List.of(BigInteger.TWO.pow(64).add(BigInteger.ONE))))
        .isEqualTo("[18446744073709551617]");
  }

  @Test
  @DisplayName(
      "a value's records and maps are sorted; a JSON tree inside one keeps its order (as call hashes"
          + " were recorded)")
  void valuesAndTrees() throws Exception {
    record Target(String name, int replicas, JsonNode intended) {}
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("z", new Target("web", 3, parse("{\"spec\":{\"b\":1,\"a\":2},\"kind\":\"D\"}")));
    value.put("a", null);
    String text = CanonicalJson.ofValue(value);
    assertThat(text)
        .isEqualTo(
            "{\"a\":null,\"z\":{\"intended\":{\"spec\":{\"b\":1,\"a\":2},\"kind\":\"D\"},"
                + "\"name\":\"web\",\"replicas\":3}}");
    // The same JSON read as a tree is sorted throughout.
    assertThat(CanonicalJson.of(parse(text)))
        .isEqualTo(
            "{\"a\":null,\"z\":{\"intended\":{\"kind\":\"D\",\"spec\":{\"a\":2,\"b\":1}},"
                + "\"name\":\"web\",\"replicas\":3}}");
    assertThat(CanonicalJson.ofValue(parse(text))).isEqualTo(CanonicalJson.of(parse(text)));
  }

  @Test
  @DisplayName("the digest is sha256:<hex> of the canonical text's UTF-8 bytes")
  void digestFormat() throws Exception {
    // SHA-256 of the empty string and of "{}", the well-known values.
    assertThat(CanonicalJson.sha256(new byte[0]))
        .isEqualTo("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(CanonicalJson.digest(parse("{ }")))
        .isEqualTo(CanonicalJson.sha256("{}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  }
}
