package io.interlock.gate;

import static io.interlock.gate.HostileValues.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Start inputs of the AgentTask workflow that must not start a task, each naming what a refusal
 * must mention: a field of the wrong kind, missing, over its limit or out of range; a plan that is
 * too long, too large or holds a broken step; an unknown field; a document that is not JSON at all.
 *
 * <p>Not here: a well-formed but unknown environment. No worker serves its queue, so such a task
 * waits out its first activity's 3-minute schedule-to-close before failing (the message names the
 * environment and its queue); the REST properties cover it, where it is a 400 at once.
 */
final class BadStarts {
  static final List<String> FIELDS =
      List.of(
          "requester",
          "environment",
          "goal",
          "steps",
          "approvalTimeoutSeconds",
          "finishWhenDone",
          "idleTimeoutSeconds",
          "historyLimit",
          "requesterProof");

  private BadStarts() {}

  static ObjectNode valid() {
    return NODES
        .objectNode()
        .put("requester", "agent:bot")
        .put("environment", "staging")
        .put("goal", "property test");
  }

  static Arbitrary<BadInput> all() {
    return Arbitraries.oneOf(
        wrongKindOfText(),
        missingRequired(),
        textOverLimit(),
        badCounts(),
        badFlag(),
        badPlans(),
        badProof(),
        unknownField(),
        notJson());
  }

  private static Arbitrary<BadInput> wrongKindOfText() {
    return Combinators.combine(
            Arbitraries.of("requester", "environment", "goal"), HostileValues.containers())
        .as((field, value) -> with("an object or array as " + field, field, value, field));
  }

  private static Arbitrary<BadInput> missingRequired() {
    return Combinators.combine(
            Arbitraries.of("requester", "environment"),
            Arbitraries.of(
                (JsonNode) null, NODES.nullNode(), NODES.textNode(""), NODES.textNode("  \t")))
        .as(
            (field, value) -> {
              ObjectNode doc = valid();
              if (value == null) {
                doc.remove(field);
              } else {
                doc.set(field, value);
              }
              return BadInput.of(
                  field + (value == null ? " missing" : " blank or null"), doc, field);
            });
  }

  private static Arbitrary<BadInput> textOverLimit() {
    return Arbitraries.oneOf(
        Combinators.combine(Arbitraries.of("requester", "environment"), HostileValues.over(128))
            .as(
                (field, text) ->
                    with(field + " over 128 characters", field, NODES.textNode(text), field)),
        HostileValues.over(4_000)
            .map(text -> with("goal over 4000 characters", "goal", NODES.textNode(text), "goal")));
  }

  private static Arbitrary<BadInput> badCounts() {
    Arbitrary<BadInput> timeouts =
        Combinators.combine(
                Arbitraries.of("approvalTimeoutSeconds", "idleTimeoutSeconds"),
                Arbitraries.oneOf(
                    HostileValues.notACount(),
                    HostileValues.outOfRange(),
                    Arbitraries.longs()
                        .between(366L * 86_400 + 1, Long.MAX_VALUE)
                        .map(n -> (JsonNode) NODES.numberNode(n))))
            .as((field, value) -> with(field + " = " + value, field, value, field));
    Arbitrary<BadInput> historyLimit =
        Arbitraries.oneOf(
                HostileValues.notACount(),
                Arbitraries.bigIntegers()
                    .between(BigInteger.TWO.pow(31), BigInteger.TWO.pow(70))
                    .map(n -> (JsonNode) NODES.numberNode(n)))
            .map(value -> with("historyLimit = " + value, "historyLimit", value, "historyLimit"));
    return Arbitraries.oneOf(timeouts, historyLimit);
  }

  private static Arbitrary<BadInput> badFlag() {
    return Arbitraries.oneOf(
            Arbitraries.of("yes", "on", "1 ", "truth").map(s -> (JsonNode) NODES.textNode(s)),
            HostileValues.containers())
        .map(value -> with("finishWhenDone = " + value, "finishWhenDone", value, "finishWhenDone"));
  }

  private static Arbitrary<BadInput> badPlans() {
    Arbitrary<JsonNode> notAList =
        Arbitraries.of(
            NODES.textNode("k8s.get"),
            NODES.numberNode(5),
            NODES.objectNode(),
            NODES.objectNode().put("tool", "k8s.get"));
    Arbitrary<JsonNode> brokenStep =
        Arbitraries.oneOf(
            Arbitraries.of(
                NODES.nullNode(),
                NODES.objectNode(),
                NODES.objectNode().put("tool", ""),
                NODES.objectNode().put("tool", " "),
                NODES.textNode("k8s.get"),
                NODES.arrayNode().add("k8s.get"),
                NODES.objectNode().set("tool", NODES.objectNode()),
                read().set("args", NODES.arrayNode()),
                read().put("args", "namespace=shop"),
                read().put("bogus", 1)),
            HostileValues.over(128).map(name -> (JsonNode) NODES.objectNode().put("tool", name)),
            Arbitraries.integers().between(256 * 1024 + 64, 1_000_000).map(BadStarts::readOfSize));
    Arbitrary<BadInput> oneBroken =
        Combinators.combine(Arbitraries.integers().between(0, 4), brokenStep)
            .as(
                (index, step) -> {
                  ArrayNode steps = NODES.arrayNode();
                  for (int i = 0; i < index; i++) {
                    steps.add(read());
                  }
                  steps.add(step);
                  return with("steps[" + index + "] broken", "steps", steps, "steps");
                });
    Arbitrary<BadInput> tooMany =
        Arbitraries.integers()
            .between(501, 600)
            .map(
                n -> {
                  ArrayNode steps = NODES.arrayNode();
                  for (int i = 0; i < n; i++) {
                    steps.add(read());
                  }
                  return with(n + " steps", "steps", steps, "steps");
                });
    // Each call under 256 KiB, together over the open-calls budget (1 MiB less room for a preview).
    Arbitrary<BadInput> overBudget =
        Combinators.combine(
                Arbitraries.integers().between(4, 6),
                Arbitraries.integers().between(220_000, 250_000))
            .as(
                (n, size) -> {
                  ArrayNode steps = NODES.arrayNode();
                  for (int i = 0; i < n; i++) {
                    steps.add(readOfSize(size));
                  }
                  return with(n + " steps of " + size + " bytes", "steps", steps, "steps");
                });
    return Arbitraries.oneOf(
        notAList.map(v -> with("steps = " + v, "steps", v, "steps")),
        oneBroken,
        tooMany,
        overBudget);
  }

  private static Arbitrary<BadInput> badProof() {
    Arbitrary<JsonNode> proofs =
        Arbitraries.oneOf(
            Arbitraries.of(
                NODES.textNode("ssh"),
                NODES.numberNode(5),
                NODES.arrayNode(),
                NODES.objectNode().set("kind", NODES.objectNode()),
                NODES.objectNode().put("bogus", 1)),
            HostileValues.over(16_384)
                .map(s -> (JsonNode) NODES.objectNode().put("kind", "ssh").put("signature", s)),
            HostileValues.over(16_384)
                .map(s -> (JsonNode) NODES.objectNode().put("kind", "jws").put("token", s)));
    return proofs.map(p -> with("requesterProof = " + p, "requesterProof", p, "requesterProof"));
  }

  private static Arbitrary<BadInput> unknownField() {
    return Combinators.combine(HostileValues.unknownFieldNames(FIELDS), Arbitraries.of("1", "true"))
        .as(
            (name, value) -> {
              ObjectNode doc = valid();
              doc.put(name, value);
              return BadInput.of(
                  "unknown field '" + name + "'", doc, name.isBlank() ? "TaskRequest" : name);
            });
  }

  private static Arbitrary<BadInput> notJson() {
    Arbitrary<BadInput> broken =
        MalformedJson.of(valid()).map(b -> new BadInput(b.how(), b.bytes(), "TaskRequest"));
    Arbitrary<BadInput> notAnObject =
        Arbitraries.of(
                NODES.arrayNode(),
                NODES.textNode("start"),
                NODES.numberNode(5),
                NODES.booleanNode(true),
                NODES.nullNode(),
                NODES.arrayNode().add(valid()))
            .map(
                doc ->
                    BadInput.of(
                        "a " + doc.getNodeType() + " instead of an object", doc, "TaskRequest"));
    return Arbitraries.oneOf(broken, notAnObject);
  }

  private static ObjectNode read() {
    ObjectNode call = NODES.objectNode().put("tool", "k8s.get");
    call.putObject("args").put("namespace", "shop").put("kind", "Deployment").put("name", "web");
    return call;
  }

  /** A read whose JSON is about {@code bytes} long (an unknown-sized label pads it). */
  private static JsonNode readOfSize(int bytes) {
    ObjectNode call = read();
    ((ObjectNode) call.get("args")).put("labelSelector", "x".repeat(Math.max(0, bytes - 90)));
    return call;
  }

  private static BadInput with(String what, String field, JsonNode value, String named) {
    ObjectNode doc = valid();
    doc.set(field, value);
    return BadInput.of(what, doc, named);
  }
}
