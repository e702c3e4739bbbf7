package io.interlock.worker.props;

import static io.interlock.worker.props.HostileBodyValues.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * {@code POST /api/tasks} requests that must start nothing: a field of the wrong kind, missing,
 * over its limit or out of range; an unknown environment; a task id with path or URL characters; a
 * plan too long, too large or with a broken step; an unknown field (a "requester" too: the caller
 * is the requester); a body that is not JSON, or not sent as JSON. Each names {@link #NEW} as its
 * task id (unless the id is what is wrong), so the property can check that no such task exists.
 */
final class BadStartRequests {
  static final String AGENT = "dev-incident-bot";

  /** Replaced by an id no task has. */
  static final String NEW = "$NEW";

  static final List<String> FIELDS =
      List.of("environment", "goal", "steps", "approvalTimeoutSeconds", "finishWhenDone", "taskId");

  private BadStartRequests() {}

  static ObjectNode valid() {
    return NODES
        .objectNode()
        .put("taskId", NEW)
        .put("environment", "staging")
        .put("goal", "property test");
  }

  static Arbitrary<BadRequest> all() {
    return Arbitraries.oneOf(
        badEnvironment(),
        badGoal(),
        badTaskId(),
        badCounts(),
        badPlans(),
        unknownField(),
        notJson());
  }

  private static Arbitrary<BadRequest> badEnvironment() {
    return Arbitraries.oneOf(
            HostileBodyValues.containers(),
            Arbitraries.of(
                (JsonNode) null, NODES.nullNode(), NODES.textNode(""), NODES.textNode("  \t")),
            HostileBodyValues.over(128).map(s -> (JsonNode) NODES.textNode(s)),
            HostileBodyValues.hostileNames("staging").map(s -> (JsonNode) NODES.textNode(s)))
        .map(v -> with("environment = " + brief(v), "environment", v));
  }

  private static Arbitrary<BadRequest> badGoal() {
    return Arbitraries.oneOf(
            HostileBodyValues.containers(),
            HostileBodyValues.over(4_000).map(s -> (JsonNode) NODES.textNode(s)))
        .map(v -> with("goal = " + brief(v), "goal", v));
  }

  private static Arbitrary<BadRequest> badTaskId() {
    return Arbitraries.oneOf(
            HostileBodyValues.containers(),
            HostileBodyValues.over(128).map(s -> (JsonNode) NODES.textNode(s)),
            HostileBodyValues.hostileNames("prop-task")
                .filter(s -> !s.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}"))
                .map(s -> (JsonNode) NODES.textNode(s)))
        .map(v -> with("taskId = " + brief(v), "taskId", v));
  }

  private static Arbitrary<BadRequest> badCounts() {
    Arbitrary<BadRequest> timeout =
        Arbitraries.oneOf(
                HostileBodyValues.notACount(),
                HostileBodyValues.outOfRange(),
                Arbitraries.longs()
                    .between(366L * 86_400 + 1, Long.MAX_VALUE)
                    .map(n -> (JsonNode) NODES.numberNode(n)))
            .map(v -> with("approvalTimeoutSeconds = " + brief(v), "approvalTimeoutSeconds", v));
    Arbitrary<BadRequest> flag =
        Arbitraries.oneOf(
                Arbitraries.of("yes", "on", "1 ", "truth").map(s -> (JsonNode) NODES.textNode(s)),
                HostileBodyValues.containers())
            .map(v -> with("finishWhenDone = " + brief(v), "finishWhenDone", v));
    return Arbitraries.oneOf(timeout, flag);
  }

  private static Arbitrary<BadRequest> badPlans() {
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
            HostileBodyValues.over(128)
                .map(name -> (JsonNode) NODES.objectNode().put("tool", name)),
            Arbitraries.integers()
                .between(256 * 1024 + 64, 1_000_000)
                .map(BadStartRequests::readOfSize));
    Arbitrary<BadRequest> oneBroken =
        Combinators.combine(Arbitraries.integers().between(0, 4), brokenStep)
            .as(
                (index, step) -> {
                  ArrayNode steps = NODES.arrayNode();
                  for (int i = 0; i < index; i++) {
                    steps.add(read());
                  }
                  steps.add(step);
                  return with("steps[" + index + "] = " + brief(step), "steps", steps);
                });
    Arbitrary<BadRequest> tooMany =
        Arbitraries.integers()
            .between(501, 600)
            .map(
                n -> {
                  ArrayNode steps = NODES.arrayNode();
                  for (int i = 0; i < n; i++) {
                    steps.add(read());
                  }
                  return with(n + " steps", "steps", steps);
                });
    // Each call under 256 KiB, together over the open-calls budget (1 MiB less room for a preview).
    Arbitrary<BadRequest> overBudget =
        Combinators.combine(
                Arbitraries.integers().between(4, 6),
                Arbitraries.integers().between(220_000, 250_000))
            .as(
                (n, size) -> {
                  ArrayNode steps = NODES.arrayNode();
                  for (int i = 0; i < n; i++) {
                    steps.add(readOfSize(size));
                  }
                  return with(n + " steps of " + size + " bytes", "steps", steps);
                });
    return Arbitraries.oneOf(
        notAList.map(v -> with("steps = " + brief(v), "steps", v)), oneBroken, tooMany, overBudget);
  }

  private static Arbitrary<BadRequest> unknownField() {
    return Arbitraries.oneOf(
            HostileBodyValues.unknownFieldNames(FIELDS),
            Arbitraries.of("requester", "approver", "state"))
        .map(
            name -> {
              ObjectNode doc = valid();
              doc.put(name, "alice");
              return BadRequest.post("unknown field '" + name + "'", AGENT, "/api/tasks", doc);
            });
  }

  private static Arbitrary<BadRequest> notJson() {
    Arbitrary<BadRequest> broken =
        MalformedBodies.of(valid())
            .map(b -> BadRequest.post(b.how(), AGENT, "/api/tasks", b.bytes()));
    Arbitrary<BadRequest> notAnObject =
        Arbitraries.of(
                NODES.arrayNode(),
                NODES.textNode("start"),
                NODES.numberNode(5),
                NODES.booleanNode(true),
                NODES.arrayNode().add(valid()))
            .map(
                doc ->
                    BadRequest.post(
                        "a " + doc.getNodeType() + " instead of an object",
                        AGENT,
                        "/api/tasks",
                        doc));
    Arbitrary<BadRequest> notSentAsJson =
        Arbitraries.of("text/plain", "application/xml", "application/x-www-form-urlencoded")
            .map(
                type ->
                    BadRequest.post("a valid body", AGENT, "/api/tasks", valid())
                        .withContentType(type));
    return Arbitraries.oneOf(broken, notAnObject, notSentAsJson);
  }

  static ObjectNode read() {
    ObjectNode call = NODES.objectNode().put("tool", "k8s.get");
    call.putObject("args").put("namespace", "shop").put("kind", "Deployment").put("name", "web");
    return call;
  }

  /** A read whose JSON is about {@code bytes} long (a label selector pads it). */
  private static JsonNode readOfSize(int bytes) {
    ObjectNode call = read();
    ((ObjectNode) call.get("args")).put("labelSelector", "x".repeat(Math.max(0, bytes - 90)));
    return call;
  }

  private static BadRequest with(String what, String field, JsonNode value) {
    ObjectNode doc = valid();
    if (value == null) {
      doc.remove(field);
    } else {
      doc.set(field, value);
    }
    return BadRequest.post(what, AGENT, "/api/tasks", doc);
  }

  static String brief(JsonNode value) {
    String s = value == null ? "missing" : value.toString();
    return s.length() > 40 ? s.substring(0, 40) + "…(" + s.length() + ")" : s;
  }
}
