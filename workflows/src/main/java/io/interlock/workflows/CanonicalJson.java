package io.interlock.workflows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The one canonical JSON every hash of ours is taken over (call hashes, approval statements,
 * content digests, the audit chain), and the one digest format, {@code sha256:<hex>}. Pure and
 * deterministic: the workflow, the activities and the worker use the same bytes.
 *
 * <p>Layout and member order are RFC 8785 (JCS): no whitespace, the members of every object, at
 * every depth, sorted by their names' UTF-16 code units, array order kept, strings as UTF-8 with
 * only {@code "}, {@code \} and control characters escaped ({@code \b \t \n \f \r} short). Where
 * RFC 8785 differs from what our digests were first recorded with, the recorded form is kept, so no
 * digest changes (a fractional number and text with control characters can both reach a digest,
 * through a {@code k8s.apply} manifest or a comment):
 *
 * <ul>
 *   <li>a number with a fraction or exponent is written as Java writes a double ({@code 3.0},
 *       {@code 1.0E21}), not in ECMAScript form ({@code 3}, {@code 1e+21});
 *   <li>other control characters are escaped with upper-case hex ({@code \u001F}, not {@code
 *       \u001f});
 *   <li>an integer is written with all its digits, also beyond 2^53 (RFC 8785 takes I-JSON input,
 *       where such a number cannot occur; rounding it would let two calls share one hash);
 *   <li>in {@link #ofValue}, a JSON tree held inside a record or map (the preview's {@code
 *       intended} object in a call hash) is written in the member order it holds, not sorted: the
 *       call hash has bound it so from the start, and an API server's field order is fixed per
 *       version. Sorting it too is a change of every such call hash, to be made with {@code
 *       Workflow.getVersion} once releases are out (or before the first).
 * </ul>
 */
public final class CanonicalJson {
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  /** Writes records' and maps' members sorted as it goes (how call hashes were first recorded). */
  private static final ObjectMapper SORTING =
      JsonMapper.builder()
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  private CanonicalJson() {}

  /** The canonical text of a JSON tree. */
  public static String of(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(sorted(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write canonical JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The canonical text of a value (records, maps, lists, text, numbers) as JSON. A JSON tree held
   * inside the value keeps its own member order (see the class comment).
   */
  public static String ofValue(Object value) {
    if (value instanceof JsonNode node) {
      return of(node);
    }
    try {
      return SORTING.writeValueAsString(SORTING.valueToTree(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write canonical JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** {@code sha256:<hex>} of a JSON tree's canonical text. */
  public static String digest(JsonNode node) {
    return sha256(of(node));
  }

  /** {@code sha256:<hex>} of text as UTF-8. */
  public static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code sha256:<hex>} of bytes: the one digest format of every hash we record. */
  public static String sha256(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static JsonNode sorted(JsonNode node) {
    if (node == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      // String order is UTF-16 code-unit order, as RFC 8785 section 3.2.3 asks.
      names.sort(null);
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      names.forEach(n -> out.set(n, sorted(node.get(n))));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(e -> out.add(sorted(e)));
      return out;
    }
    return node;
  }
}
