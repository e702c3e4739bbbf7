package io.interlock.activities.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * An integer argument is accepted exactly when it is a whole number inside its bounds: no wrap, no
 * rounding.
 */
class ArgsSchemaPropertiesTest {
  private static final ArgsSchema SCHEMA =
      ArgsSchema.create().integer("replicas", true, "count", 0, 1000);

  @Provide
  Arbitrary<Number> numbers() {
    return Arbitraries.oneOf(
        Arbitraries.integers().between(-5, 1005).map(i -> (Number) i),
        Arbitraries.longs().map(l -> (Number) l),
        Arbitraries.bigIntegers()
            .between(BigInteger.TWO.pow(64).negate(), BigInteger.TWO.pow(70))
            .map(b -> (Number) b),
        Arbitraries.bigIntegers()
            .between(BigInteger.TWO.pow(64), BigInteger.TWO.pow(64).add(BigInteger.valueOf(1000)))
            .map(b -> (Number) b),
        Arbitraries.doubles().between(-10, 1010).ofScale(2).map(d -> (Number) d),
        Arbitraries.bigDecimals()
            .between(BigDecimal.valueOf(-10), BigDecimal.valueOf(1010))
            .ofScale(3)
            .map(d -> (Number) d));
  }

  @Property(tries = 10_000)
  @Label("replicas is accepted iff it is a whole number in [0, 1000]")
  void exactBounds(@ForAll("numbers") Number n) {
    List<String> problems = SCHEMA.validate(Map.of("replicas", n));
    BigDecimal exact = new BigDecimal(n.toString());
    boolean whole = exact.stripTrailingZeros().scale() <= 0;
    boolean inRange =
        exact.compareTo(BigDecimal.ZERO) >= 0 && exact.compareTo(BigDecimal.valueOf(1000)) <= 0;
    assertThat(problems.isEmpty()).as("%s -> %s", n, problems).isEqualTo(whole && inRange);
  }
}
