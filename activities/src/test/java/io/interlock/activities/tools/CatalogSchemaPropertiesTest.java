package io.interlock.activities.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.regex.RegularExpression;
import io.interlock.activities.k8s.KubernetesCatalog;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every tool's argument validator against the JSON Schema it publishes (the catalog and MCP show it
 * to agents), judged by an independent JSON Schema implementation (networknt, draft 2020-12,
 * ECMA-262 patterns): what the validator accepts the schema accepts, what the schema accepts only a
 * tool's whole-call rule may still refuse, and every refusal names its field in bounded text.
 */
class CatalogSchemaPropertiesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<Tool> TOOLS = KubernetesCatalog.all();
  private static final Map<String, JsonSchema> PUBLISHED =
      TOOLS.stream()
          .collect(
              Collectors.toMap(
                  Tool::name,
                  t ->
                      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                          .getSchema(
                              t.schema().json(),
                              SchemaValidatorsConfig.builder()
                                  .regularExpressionFactory(
                                      CatalogSchemaPropertiesTest::ecmaAnchored)
                                  .build())));

  /**
   * A refusal quotes at most 64 characters of a value; the rest is the rule and the field's name.
   */
  private static final int REFUSAL_MAX = 600;

  record Call(Tool tool, Map<String, Object> args) {
    @Override
    public String toString() {
      return tool.name() + " " + args;
    }
  }

  @Provide
  Arbitrary<Call> calls() {
    return Arbitraries.of(TOOLS).flatMap(tool -> argsFor(tool).map(args -> new Call(tool, args)));
  }

  @Property(tries = 10_000)
  @Label(
      "a tool accepts arguments only if its published schema does, and refuses only naming a field")
  void validatorAgreesWithPublishedSchema(@ForAll("calls") Call call) {
    List<String> problems = call.tool().schema().validate(call.args());
    Set<ValidationMessage> schemaProblems =
        PUBLISHED.get(call.tool().name()).validate(JSON.valueToTree(call.args()));
    if (problems.isEmpty()) {
      assertThat(schemaProblems)
          .as("accepted by %s but not by its published schema", call)
          .isEmpty();
    } else if (schemaProblems.isEmpty()) {
      assertThat(call.tool().schema().hasRules())
          .as(
              "refused %s by the fields (%s) although the published schema accepts them",
              call, problems)
          .isTrue();
    }
    for (String p : problems) {
      assertThat(p).as("a refusal of %s", call).contains("args.");
      assertThat(p.length()).as("the refusal's length: %s", p).isLessThanOrEqualTo(REFUSAL_MAX);
      assertThat(p).as("control characters in a refusal").doesNotContainPattern("\\p{Cntrl}");
    }
  }

  /**
   * A schema pattern as ECMA-262 reads it (JSON Schema's rule): a final {@code $} is the end of the
   * text, where Java's (and joni's) would also match before a final newline, accepting "web\\n".
   */
  private static RegularExpression ecmaAnchored(String regex) {
    Pattern p =
        Pattern.compile(
            regex.endsWith("$") ? regex.substring(0, regex.length() - 1) + "\\z" : regex);
    return value -> p.matcher(value).find();
  }

  private static Arbitrary<Map<String, Object>> argsFor(Tool tool) {
    JsonNode props = tool.schema().json().path("properties");
    List<Arbitrary<Map.Entry<String, Object>>> fields = new ArrayList<>();
    props
        .fields()
        .forEachRemaining(
            f ->
                fields.add(
                    valueFor(f.getValue())
                        .injectNull(0.15)
                        .map(
                            v ->
                                (Map.Entry<String, Object>)
                                    new java.util.AbstractMap.SimpleEntry<>(f.getKey(), v))));
    Arbitrary<List<Map.Entry<String, Object>>> known = Combinators.combine(fields).as(List::copyOf);
    Arbitrary<Map<String, Object>> unknown =
        Arbitraries.maps(
                Arbitraries.oneOf(
                    Arbitraries.of(
                        "replica", "Name", "namespace ", "kind\u0000", "__proto__", "args", "tool"),
                    Arbitraries.strings().ofMaxLength(12)),
                anyValue())
            .ofMaxSize(2);
    return Combinators.combine(known, unknown, Arbitraries.integers().between(0, 9))
        .as(
            (k, u, coin) -> {
              Map<String, Object> args = new LinkedHashMap<>();
              k.stream()
                  .filter(e -> e.getValue() != null)
                  .forEach(e -> args.put(e.getKey(), e.getValue()));
              if (coin == 0) {
                args.putAll(u);
              }
              return args;
            });
  }

  /** Mostly values of the declared type near its edges, sometimes anything at all. */
  private static Arbitrary<Object> valueFor(JsonNode field) {
    Arbitrary<Object> typed;
    String type = field.path("type").isArray() ? "object" : field.path("type").asText();
    if (field.has("enum")) {
      List<Object> allowed = new ArrayList<>();
      field.path("enum").forEach(e -> allowed.add(e.asText()));
      typed =
          Arbitraries.oneOf(
              Arbitraries.of(allowed),
              Arbitraries.of(allowed).map(s -> ((String) s).toLowerCase()),
              Arbitraries.of(allowed).map(s -> s + " "));
    } else if (field.has("pattern")) {
      typed = names(field.path("maxLength").asInt());
    } else {
      typed =
          switch (type) {
            case "integer" ->
                numbers(field.path("minimum").asLong(), field.path("maximum").asLong());
            case "boolean" -> Arbitraries.of(true, false);
            case "array" ->
                Arbitraries.oneOf(text(), Arbitraries.of(""))
                    .list()
                    .ofMaxSize(3)
                    .map(l -> (Object) l);
            case "object" ->
                Arbitraries.oneOf(
                    Arbitraries.maps(Arbitraries.strings().alpha().ofMaxLength(5), anyValue())
                        .ofMaxSize(3)
                        .map(m -> (Object) m),
                    text().map(t -> (Object) t));
            default -> text().map(t -> (Object) t);
          };
    }
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, typed), net.jqwik.api.Tuple.of(1, anyValue()));
  }

  private static Arbitrary<Object> names(int maxLength) {
    Arbitrary<String> label =
        Arbitraries.strings().withChars("abcz09-").ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> valid = label.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join(".", l));
    Arbitrary<String> edge =
        Arbitraries.oneOf(
            Arbitraries.of(
                "web",
                "a",
                "-web",
                "web-",
                "Web",
                "web/../x",
                "web?dryRun=",
                "web#",
                "..",
                ".",
                "we b",
                "wéb",
                "web\n",
                "\u0000",
                "ẉeb",
                "web\u200b",
                "xn--web"),
            Arbitraries.strings().withChars("ab0-").ofLength(maxLength),
            Arbitraries.strings().withChars("ab0").ofLength(maxLength + 1),
            Arbitraries.strings().ofMaxLength(20));
    return Arbitraries.oneOf(valid, edge).map(s -> (Object) s);
  }

  private static Arbitrary<Object> numbers(long min, long max) {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(min - 2, Math.min(max + 2, min + 50)).map(n -> (Object) n),
        Arbitraries.of(min, max, max + 1, min - 1, Long.MAX_VALUE, Long.MIN_VALUE)
            .map(n -> (Object) n),
        Arbitraries.of(
                new BigInteger("18446744073709551621"),
                BigInteger.TWO.pow(64).add(BigInteger.valueOf(min)))
            .map(n -> (Object) n),
        Arbitraries.of(
                new BigDecimal("1.5"),
                new BigDecimal("3.0"),
                new BigDecimal("1E+1"),
                new BigDecimal("-0.0"))
            .map(n -> (Object) n),
        Arbitraries.doubles().between(min - 2, max + 2).ofScale(1).map(n -> (Object) n),
        Arbitraries.of("3", "three", "").map(s -> (Object) s));
  }

  private static Arbitrary<String> text() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(30),
        Arbitraries.of(
            "",
            " ",
            "\t\n",
            "\u00a0",
            "\u2003",
            "\u001c",
            "app=web",
            "{\"a\":1}",
            "a: [1, 2",
            "x".repeat(300)));
  }

  private static Arbitrary<Object> anyValue() {
    return Arbitraries.oneOf(
        text().map(s -> (Object) s),
        Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.of(List.of(), List.of(1), List.of("a", 2), Map.of(), Map.of("a", List.of()))
            .map(o -> (Object) o));
  }
}
