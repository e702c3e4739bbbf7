package io.interlock.gate;

import static io.interlock.gate.HostileValues.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Tool calls a task must not run, as a {@code propose} body: the shape is wrong (no tool, args that
 * are not an object, unknown fields, over 256 KiB, not JSON at all), the tool is unknown, or its
 * arguments break the tool's schema (names with '#', '?', '/', '..', case or invisible characters;
 * replicas as text, fractional, negative, beyond a long) or the policy (a namespace the environment
 * does not allow).
 */
final class BadCalls {
  private BadCalls() {}

  static Arbitrary<BadInput> all() {
    return Arbitraries.oneOf(wrongShape(), unknownTool(), badArgs(), notJson());
  }

  static ObjectNode read() {
    ObjectNode call = NODES.objectNode().put("tool", "k8s.get");
    call.putObject("args").put("namespace", "shop").put("kind", "Deployment").put("name", "web");
    return call;
  }

  static ObjectNode scale() {
    ObjectNode call = NODES.objectNode().put("tool", "k8s.scale");
    call.putObject("args")
        .put("namespace", "shop")
        .put("kind", "Deployment")
        .put("name", "web")
        .put("replicas", 3);
    return call;
  }

  private static Arbitrary<BadInput> wrongShape() {
    Arbitrary<BadInput> tool =
        Arbitraries.oneOf(
                Arbitraries.of(
                    (JsonNode) null, NODES.nullNode(), NODES.textNode(""), NODES.textNode(" \t")),
                HostileValues.containers(),
                HostileValues.over(128).map(s -> (JsonNode) NODES.textNode(s)))
            .map(v -> call("tool = " + (v == null ? "missing" : shortly(v)), "tool", v));
    Arbitrary<BadInput> args =
        Arbitraries.of(
                NODES.arrayNode(),
                NODES.arrayNode().add("shop"),
                NODES.textNode("name=web"),
                NODES.numberNode(5),
                NODES.booleanNode(true))
            .map(v -> call("args = " + v, "args", v));
    Arbitrary<BadInput> unknown =
        HostileValues.unknownFieldNames(List.of("tool", "args"))
            .map(
                name -> {
                  ObjectNode c = read();
                  c.put(name, true);
                  return BadInput.of(
                      "unknown field '" + name + "'", c, name.isBlank() ? "ToolCall" : name);
                });
    Arbitrary<BadInput> oversized =
        Arbitraries.integers()
            .between(256 * 1024 + 64, 1_000_000)
            .map(
                size -> {
                  ObjectNode c = read();
                  ((ObjectNode) c.get("args")).put("labelSelector", "x".repeat(size - 90));
                  return BadInput.of("a call of about " + size + " bytes", c, "bytes");
                });
    return Arbitraries.oneOf(tool, args, unknown, oversized);
  }

  private static Arbitrary<BadInput> unknownTool() {
    return Arbitraries.oneOf(
            Arbitraries.of(
                "k8s.nope",
                "kubectl",
                "k8s.approve",
                "k8s.exec",
                "k8s.get.",
                ".k8s.get",
                "k8s_get",
                "shell"),
            HostileValues.hostileNames("k8s.get"),
            HostileValues.hostileNames("k8s.scale"))
        .map(
            name -> {
              ObjectNode c = read();
              c.put("tool", name);
              return BadInput.of("unknown tool '" + name + "'", c, "tool");
            });
  }

  private static Arbitrary<BadInput> badArgs() {
    Arbitrary<BadInput> names =
        Combinators.combine(
                Arbitraries.of("name", "namespace"),
                Arbitraries.of(true, false),
                Arbitraries.of("web", "shop"))
            .flatAs(
                (field, write, valid) ->
                    HostileValues.hostileNames(valid)
                        .map(
                            bad -> {
                              ObjectNode c = write ? scale() : read();
                              ((ObjectNode) c.get("args")).put(field, bad);
                              return BadInput.of(
                                  c.get("tool").asText() + " with " + field + " '" + bad + "'",
                                  c,
                                  field);
                            }));
    Arbitrary<JsonNode> badReplicas =
        Arbitraries.oneOf(
            Arbitraries.of(
                NODES.textNode("3"),
                NODES.textNode("three"),
                NODES.numberNode(new BigInteger("18446744073709551621")),
                NODES.numberNode(9e18),
                NODES.numberNode(-1),
                NODES.numberNode(new BigDecimal("1.5")),
                NODES.numberNode(1001),
                NODES.nullNode(),
                NODES.booleanNode(true)),
            HostileValues.containers(),
            HostileValues.outOfRange());
    // 0..1000 is the schema's range: 0 (scale to zero) is a legal write that waits for approval.
    Arbitrary<BadInput> replicas =
        badReplicas
            .filter(
                v ->
                    !(v.isIntegralNumber()
                        && v.canConvertToLong()
                        && v.longValue() >= 0
                        && v.longValue() <= 1000))
            .map(
                v -> {
                  ObjectNode c = scale();
                  ((ObjectNode) c.get("args")).set("replicas", v);
                  return BadInput.of("k8s.scale with replicas " + shortly(v), c, "replicas");
                });
    Arbitrary<BadInput> unknownArg =
        HostileValues.unknownFieldNames(List.of("namespace", "kind", "name", "replicas"))
            .map(
                name -> {
                  ObjectNode c = scale();
                  ((ObjectNode) c.get("args")).put(name, "x");
                  return BadInput.of("k8s.scale with unknown argument '" + name + "'", c, "args");
                });
    Arbitrary<BadInput> missing =
        Arbitraries.of("name", "replicas")
            .map(
                name -> {
                  ObjectNode c = scale();
                  ((ObjectNode) c.get("args")).remove(name);
                  return BadInput.of("k8s.scale without " + name, c, name);
                });
    Arbitrary<BadInput> notAllowed =
        Arbitraries.of("kube-system", "default", "payments-prod")
            .map(
                ns -> {
                  ObjectNode c = scale();
                  ((ObjectNode) c.get("args")).put("namespace", ns);
                  return BadInput.of("k8s.scale in namespace " + ns, c, ns);
                });
    return Arbitraries.oneOf(names, replicas, unknownArg, missing, notAllowed);
  }

  private static Arbitrary<BadInput> notJson() {
    Arbitrary<BadInput> broken =
        MalformedJson.of(read()).map(b -> new BadInput(b.how(), b.bytes(), "ToolCall"));
    Arbitrary<BadInput> notAnObject =
        Arbitraries.of(
                NODES.arrayNode(),
                NODES.textNode("k8s.get"),
                NODES.numberNode(5),
                NODES.nullNode(),
                NODES.arrayNode().add(read()))
            .map(
                doc ->
                    BadInput.of(
                        "a " + doc.getNodeType() + " instead of an object",
                        doc,
                        doc.isNull() ? "tool" : "ToolCall"));
    return Arbitraries.oneOf(broken, notAnObject);
  }

  private static BadInput call(String what, String field, JsonNode value) {
    ObjectNode c = read();
    if (value == null) {
      c.remove(field);
    } else {
      c.set(field, value);
    }
    return BadInput.of(what, c, field);
  }

  private static String shortly(JsonNode value) {
    String s = value.toString();
    return s.length() > 40 ? s.substring(0, 40) + "…(" + s.length() + ")" : s;
  }
}
