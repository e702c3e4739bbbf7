package io.interlock.worker.props;

import static io.interlock.worker.props.BadStartRequests.AGENT;
import static io.interlock.worker.props.BadStartRequests.brief;
import static io.interlock.worker.props.BadStartRequests.read;
import static io.interlock.worker.props.HostileBodyValues.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * {@code POST /api/tasks/{id}/steps} requests that must not run anything: a body of the wrong shape
 * (no tool, args not an object, unknown fields, over 256 KiB, not JSON), an unknown tool, arguments
 * that break the tool's schema or the policy, someone other than the requester proposing, a task
 * that has ended or does not exist. Aimed at {@link #IDLE}, a task with nothing pending, so every
 * call is judged at once.
 */
final class BadStepRequests {
  static final String ALICE = "dev-alice";

  /** Replaced by a running task of the agent with nothing pending. */
  static final String IDLE = "$IDLE";

  /** Replaced by a task of the agent that has completed. */
  static final String DONE = "$DONE";

  private BadStepRequests() {}

  static Arbitrary<BadRequest> all() {
    return Arbitraries.oneOf(
        wrongShape(), unknownTool(), badArgs(), wrongCallerOrTask(), notJson());
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

  private static Arbitrary<BadRequest> wrongShape() {
    Arbitrary<BadRequest> tool =
        Arbitraries.oneOf(
                Arbitraries.of(
                    (JsonNode) null, NODES.nullNode(), NODES.textNode(""), NODES.textNode(" \t")),
                HostileBodyValues.containers(),
                HostileBodyValues.over(128).map(s -> (JsonNode) NODES.textNode(s)))
            .map(v -> call("tool = " + brief(v), read(), "tool", v));
    Arbitrary<BadRequest> args =
        Arbitraries.of(
                NODES.arrayNode(),
                NODES.arrayNode().add("shop"),
                NODES.textNode("name=web"),
                NODES.numberNode(5),
                NODES.booleanNode(true))
            .map(v -> call("args = " + v, read(), "args", v));
    Arbitrary<BadRequest> unknown =
        HostileBodyValues.unknownFieldNames(List.of("tool", "args"))
            .map(
                name ->
                    call("unknown field '" + name + "'", read(), name, NODES.booleanNode(true)));
    Arbitrary<BadRequest> oversized =
        Arbitraries.integers()
            .between(256 * 1024 + 64, 1_000_000)
            .map(
                size -> {
                  ObjectNode c = read();
                  ((ObjectNode) c.get("args")).put("labelSelector", "x".repeat(size - 90));
                  return BadRequest.post(
                      "a call of about " + size + " bytes", AGENT, path(IDLE), c);
                });
    return Arbitraries.oneOf(tool, args, unknown, oversized);
  }

  private static Arbitrary<BadRequest> unknownTool() {
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
            HostileBodyValues.hostileNames("k8s.get"),
            HostileBodyValues.hostileNames("k8s.scale"))
        .map(name -> call("unknown tool '" + name + "'", read(), "tool", NODES.textNode(name)));
  }

  private static Arbitrary<BadRequest> badArgs() {
    Arbitrary<BadRequest> names =
        Combinators.combine(
                Arbitraries.of("name", "namespace"),
                Arbitraries.of(true, false),
                Arbitraries.of("web", "shop"))
            .flatAs(
                (field, write, valid) ->
                    HostileBodyValues.hostileNames(valid)
                        .map(
                            bad -> {
                              ObjectNode c = write ? scale() : read();
                              ((ObjectNode) c.get("args")).put(field, bad);
                              return BadRequest.post(
                                  c.get("tool").asText() + " with " + field + " '" + bad + "'",
                                  AGENT,
                                  path(IDLE),
                                  c);
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
            HostileBodyValues.containers(),
            HostileBodyValues.outOfRange());
    // 0..1000 is the schema's range: 0 (scale to zero) is a legal write that waits for approval.
    Arbitrary<BadRequest> replicas =
        badReplicas
            .filter(v -> !isLegalReplicas(v))
            .map(
                v -> {
                  ObjectNode c = scale();
                  ((ObjectNode) c.get("args")).set("replicas", v);
                  return BadRequest.post(
                      "k8s.scale with replicas " + brief(v), AGENT, path(IDLE), c);
                });
    Arbitrary<BadRequest> unknownArg =
        HostileBodyValues.unknownFieldNames(List.of("namespace", "kind", "name", "replicas"))
            .map(
                name -> {
                  ObjectNode c = scale();
                  ((ObjectNode) c.get("args")).put(name, "x");
                  return BadRequest.post(
                      "k8s.scale with unknown argument '" + name + "'", AGENT, path(IDLE), c);
                });
    Arbitrary<BadRequest> notAllowed =
        Arbitraries.of("kube-system", "default", "payments-prod")
            .map(
                ns -> {
                  ObjectNode c = scale();
                  ((ObjectNode) c.get("args")).put("namespace", ns);
                  return BadRequest.post("k8s.scale in namespace " + ns, AGENT, path(IDLE), c);
                });
    return Arbitraries.oneOf(names, replicas, unknownArg, notAllowed);
  }

  private static Arbitrary<BadRequest> wrongCallerOrTask() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            BadRequest.post(
                "a read proposed by someone else than the requester", ALICE, path(IDLE), read()),
            BadRequest.post(
                "a read proposed in a task that has completed", AGENT, path(DONE), read())),
        HostileBodyValues.hostileNames("task-1")
            .map(
                id ->
                    BadRequest.post(
                        "a read proposed in unknown task '" + id + "'",
                        AGENT,
                        path(BadRequest.segment(id)),
                        read())));
  }

  private static Arbitrary<BadRequest> notJson() {
    Arbitrary<BadRequest> broken =
        MalformedBodies.of(read()).map(b -> BadRequest.post(b.how(), AGENT, path(IDLE), b.bytes()));
    Arbitrary<BadRequest> notAnObject =
        Arbitraries.of(
                NODES.arrayNode(),
                NODES.textNode("k8s.get"),
                NODES.numberNode(5),
                NODES.nullNode(),
                NODES.arrayNode().add(read()))
            .map(
                doc ->
                    BadRequest.post(
                        "a " + doc.getNodeType() + " instead of an object",
                        AGENT,
                        path(IDLE),
                        doc));
    Arbitrary<BadRequest> notSentAsJson =
        Arbitraries.of("text/plain", "application/xml")
            .map(
                type ->
                    BadRequest.post("a valid read", AGENT, path(IDLE), read())
                        .withContentType(type));
    return Arbitraries.oneOf(broken, notAnObject, notSentAsJson);
  }

  private static boolean isLegalReplicas(JsonNode v) {
    return v.isIntegralNumber()
        && v.canConvertToLong()
        && v.longValue() >= 0
        && v.longValue() <= 1000;
  }

  private static String path(String task) {
    return "/api/tasks/" + task + "/steps";
  }

  private static BadRequest call(String what, ObjectNode call, String field, JsonNode value) {
    if (value == null) {
      call.remove(field);
    } else {
      call.set(field, value);
    }
    return BadRequest.post(what, AGENT, path(IDLE), call);
  }
}
