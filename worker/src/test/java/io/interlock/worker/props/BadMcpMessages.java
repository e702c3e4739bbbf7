package io.interlock.worker.props;

import static io.interlock.worker.props.BadStartRequests.brief;
import static io.interlock.worker.props.HostileBodyValues.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * JSON-RPC messages an MCP session must answer with an error (or a tool result marked isError): a
 * broken envelope (jsonrpc, id, method of the wrong kind), unknown or hostile methods and tool
 * names, params and arguments of the wrong kind, catalog calls whose arguments break the tool's
 * schema or the policy or its 256 KiB bound, task_status and wait_for_step with arguments their
 * schemas forbid, documents that are not JSON, and headers naming no session or protocol, or a
 * foreign page's origin.
 */
final class BadMcpMessages {
  /** Replaced by the session's first step (a finished read) and its task. */
  static final String STEP = "$STEP";

  static final String TASK = "$TASK";

  private BadMcpMessages() {}

  /**
   * One message as sent, with any header it overrides.
   *
   * @param silent true when JSON-RPC lets the server answer nothing (a notification, 202)
   */
  record BadMessage(String what, byte[] body, Map<String, String> headers, boolean silent) {
    static BadMessage of(String what, JsonNode message) {
      return new BadMessage(
          what,
          BadRequest.bytes(message),
          Map.of(),
          !message.isObject() ? false : !message.has("id"));
    }

    @Override
    public String toString() {
      return new BadRequest(what, "agent", "POST", "/mcp " + headers, "application/json", body)
          .toString();
    }
  }

  static Arbitrary<BadMessage> all() {
    return Arbitraries.oneOf(
        badEnvelope(),
        badMethod(),
        badParams(),
        badCatalogCall(),
        badFollowUp(),
        notJson(),
        badHeaders());
  }

  static ObjectNode call(String tool, ObjectNode arguments) {
    ObjectNode m =
        NODES.objectNode().put("jsonrpc", "2.0").put("id", 7).put("method", "tools/call");
    m.putObject("params").put("name", tool).set("arguments", arguments);
    return m;
  }

  static ObjectNode read() {
    return call(
        "k8s_get",
        NODES.objectNode().put("namespace", "shop").put("kind", "Deployment").put("name", "web"));
  }

  private static ObjectNode scale() {
    return call(
        "k8s_scale",
        NODES
            .objectNode()
            .put("namespace", "shop")
            .put("kind", "Deployment")
            .put("name", "web")
            .put("replicas", 3));
  }

  private static Arbitrary<BadMessage> badEnvelope() {
    Arbitrary<BadMessage> jsonrpc =
        Arbitraries.oneOf(
                Arbitraries.of(
                    NODES.textNode("1.0"),
                    NODES.textNode("2"),
                    NODES.numberNode(2.0),
                    NODES.nullNode(),
                    NODES.textNode("2.0 "),
                    NODES.textNode("")),
                HostileBodyValues.containers())
            .map(v -> with("jsonrpc = " + brief(v), read(), "jsonrpc", v));
    Arbitrary<BadMessage> noJsonrpc =
        Arbitraries.just(with("jsonrpc missing", read(), "jsonrpc", null));
    Arbitrary<BadMessage> id =
        Arbitraries.oneOf(
                Arbitraries.of(
                    NODES.numberNode(new BigDecimal("1.5")),
                    NODES.booleanNode(true),
                    NODES.nullNode()),
                HostileBodyValues.containers())
            .map(v -> with("id = " + brief(v), read(), "id", v));
    return Arbitraries.oneOf(jsonrpc, noJsonrpc, id);
  }

  private static Arbitrary<BadMessage> badMethod() {
    return Arbitraries.oneOf(
            Arbitraries.of(
                    "tools/approve",
                    "tools/decide",
                    "resources/read",
                    "prompts/get",
                    "initialize",
                    "",
                    "sampling/createMessage")
                .map(s -> (JsonNode) NODES.textNode(s)),
            HostileBodyValues.hostileNames("tools/call").map(s -> (JsonNode) NODES.textNode(s)),
            Arbitraries.of(NODES.numberNode(1), NODES.nullNode(), NODES.booleanNode(true)),
            HostileBodyValues.containers())
        .map(v -> with("method = " + brief(v), read(), "method", v));
  }

  private static Arbitrary<BadMessage> badParams() {
    Arbitrary<BadMessage> params =
        Arbitraries.of(
                NODES.arrayNode(),
                NODES.textNode("k8s_get"),
                NODES.numberNode(1),
                NODES.nullNode(),
                NODES.objectNode())
            .map(v -> with("params = " + brief(v), read(), "params", v));
    Arbitrary<BadMessage> name =
        Arbitraries.oneOf(
                Arbitraries.of(
                        "k8s_nope",
                        "approve",
                        "k8s_approve",
                        "decide",
                        "k8s_exec",
                        "shell",
                        "k8s_get_",
                        "TASK_STATUS")
                    .map(s -> (JsonNode) NODES.textNode(s)),
                HostileBodyValues.hostileNames("k8s_get").map(s -> (JsonNode) NODES.textNode(s)),
                HostileBodyValues.over(128).map(s -> (JsonNode) NODES.textNode(s)),
                Arbitraries.of(NODES.numberNode(5), NODES.nullNode()),
                HostileBodyValues.containers())
            .map(
                v -> {
                  ObjectNode m = read();
                  ((ObjectNode) m.get("params")).set("name", v);
                  return BadMessage.of("tool name " + brief(v), m);
                });
    Arbitrary<BadMessage> arguments =
        Arbitraries.of(
                NODES.arrayNode(),
                NODES.textNode("namespace=shop"),
                NODES.numberNode(5),
                NODES.booleanNode(true),
                NODES.arrayNode().add(NODES.objectNode()))
            .map(
                v -> {
                  ObjectNode m = read();
                  ((ObjectNode) m.get("params")).set("arguments", v);
                  return BadMessage.of("arguments = " + brief(v), m);
                });
    return Arbitraries.oneOf(params, name, arguments);
  }

  private static Arbitrary<BadMessage> badCatalogCall() {
    Arbitrary<BadMessage> names =
        Combinators.combine(
                Arbitraries.of("name", "namespace"),
                Arbitraries.of(true, false),
                Arbitraries.of("web", "shop"))
            .flatAs(
                (field, write, valid) ->
                    HostileBodyValues.hostileNames(valid)
                        .map(
                            bad -> {
                              ObjectNode m = write ? scale() : read();
                              ((ObjectNode) m.get("params").get("arguments")).put(field, bad);
                              return BadMessage.of(
                                  m.get("params").get("name").asText()
                                      + " with "
                                      + field
                                      + " '"
                                      + bad
                                      + "'",
                                  m);
                            }));
    Arbitrary<BadMessage> replicas =
        Arbitraries.oneOf(
                Arbitraries.of(
                    NODES.textNode("3"),
                    NODES.numberNode(new BigInteger("18446744073709551621")),
                    NODES.numberNode(9e18),
                    NODES.numberNode(-1),
                    NODES.numberNode(new BigDecimal("1.5")),
                    NODES.numberNode(1001),
                    NODES.nullNode()),
                HostileBodyValues.containers())
            .map(
                v -> {
                  ObjectNode m = scale();
                  ((ObjectNode) m.get("params").get("arguments")).set("replicas", v);
                  return BadMessage.of("k8s_scale with replicas " + brief(v), m);
                });
    Arbitrary<BadMessage> unknownArg =
        HostileBodyValues.unknownFieldNames(List.of("namespace", "kind", "name", "replicas"))
            .map(
                name -> {
                  ObjectNode m = scale();
                  ((ObjectNode) m.get("params").get("arguments")).put(name, "x");
                  return BadMessage.of("k8s_scale with unknown argument '" + name + "'", m);
                });
    Arbitrary<BadMessage> notAllowed =
        Arbitraries.of("kube-system", "default")
            .map(
                ns -> {
                  ObjectNode m = scale();
                  ((ObjectNode) m.get("params").get("arguments")).put("namespace", ns);
                  return BadMessage.of("k8s_scale in namespace " + ns, m);
                });
    Arbitrary<BadMessage> oversized =
        Arbitraries.integers()
            .between(256 * 1024 + 64, 1_000_000)
            .map(
                size -> {
                  ObjectNode m = read();
                  ((ObjectNode) m.get("params").get("arguments"))
                      .put("labelSelector", "x".repeat(size));
                  return BadMessage.of("k8s_get with arguments of about " + size + " bytes", m);
                });
    return Arbitraries.oneOf(names, replicas, unknownArg, notAllowed, oversized);
  }

  /** task_status and wait_for_step with what their input schemas forbid. */
  private static Arbitrary<BadMessage> badFollowUp() {
    Arbitrary<BadMessage> taskId =
        Arbitraries.oneOf(
                HostileBodyValues.hostileNames("task-1").map(s -> (JsonNode) NODES.textNode(s)),
                HostileBodyValues.containers(),
                Arbitraries.of(NODES.numberNode(5), NODES.booleanNode(true)))
            .flatMap(
                v ->
                    Arbitraries.of("task_status", "wait_for_step")
                        .map(
                            tool -> {
                              ObjectNode args = NODES.objectNode().set("taskId", v);
                              if (tool.equals("wait_for_step")) {
                                args.put("stepId", STEP);
                              }
                              return BadMessage.of(
                                  tool + " with taskId " + brief(v), call(tool, args));
                            }));
    Arbitrary<BadMessage> stepId =
        Arbitraries.oneOf(
                Arbitraries.of("s999", "S1", "", " ").map(s -> (JsonNode) NODES.textNode(s)),
                HostileBodyValues.hostileNames("s1").map(s -> (JsonNode) NODES.textNode(s)),
                HostileBodyValues.containers(),
                Arbitraries.of(NODES.numberNode(1), NODES.nullNode()))
            .map(
                v ->
                    BadMessage.of(
                        "wait_for_step with stepId " + brief(v),
                        call("wait_for_step", NODES.objectNode().set("stepId", v))));
    Arbitrary<BadMessage> timeout =
        Arbitraries.oneOf(
                Arbitraries.of(
                    NODES.numberNode(0),
                    NODES.numberNode(-1),
                    NODES.numberNode(61),
                    NODES.numberNode(9e18),
                    NODES.numberNode(new BigInteger("18446744073709551621")),
                    NODES.numberNode(new BigDecimal("1.5")),
                    NODES.textNode("5"),
                    NODES.textNode("abc"),
                    NODES.booleanNode(true),
                    NODES.nullNode()),
                HostileBodyValues.containers(),
                HostileBodyValues.outOfRange())
            .map(
                v ->
                    BadMessage.of(
                        "wait_for_step with timeoutSeconds " + brief(v),
                        call(
                            "wait_for_step",
                            NODES.objectNode().put("stepId", STEP).set("timeoutSeconds", v))));
    Arbitrary<BadMessage> unknownArg =
        Combinators.combine(
                Arbitraries.of("task_status", "wait_for_step"),
                HostileBodyValues.unknownFieldNames(List.of("taskId", "stepId", "timeoutSeconds")))
            .as(
                (tool, name) -> {
                  ObjectNode args = NODES.objectNode().put(name, "x");
                  if (tool.equals("wait_for_step")) {
                    args.put("stepId", STEP);
                  }
                  return BadMessage.of(
                      tool + " with unknown argument '" + name + "'", call(tool, args));
                });
    return Arbitraries.oneOf(taskId, stepId, timeout, unknownArg);
  }

  private static Arbitrary<BadMessage> notJson() {
    Arbitrary<BadMessage> broken =
        MalformedBodies.of(read()).map(b -> new BadMessage(b.how(), b.bytes(), Map.of(), false));
    Arbitrary<BadMessage> notAnObject =
        Arbitraries.of(
                NODES.textNode("tools/call"),
                NODES.numberNode(5),
                NODES.nullNode(),
                NODES.booleanNode(true),
                NODES.arrayNode(),
                NODES.arrayNode().add(read()))
            .map(doc -> BadMessage.of("a " + doc.getNodeType() + " instead of an object", doc));
    return Arbitraries.oneOf(broken, notAnObject);
  }

  private static Arbitrary<BadMessage> badHeaders() {
    Arbitrary<BadMessage> session =
        Arbitraries.oneOf(
                Arbitraries.strings().withChars("0123456789abcdef-").ofLength(36),
                HostileBodyValues.hostileNames("3f2a")
                    .filter(s -> s.chars().allMatch(c -> c >= 0x21 && c < 0x7f)))
            .map(
                s ->
                    new BadMessage(
                        "unknown session '" + s + "'",
                        BadRequest.bytes(read()),
                        Map.of("Mcp-Session-Id", s),
                        false));
    Arbitrary<BadMessage> version =
        Arbitraries.of("2024-11-05", "2025-06-19", "latest", "2025-06-18x")
            .map(
                v ->
                    new BadMessage(
                        "protocol version '" + v + "'",
                        BadRequest.bytes(read()),
                        Map.of("MCP-Protocol-Version", v),
                        false));
    // A browser page of another site: refused before JSON-RPC (403), whatever the Origin holds.
    Arbitrary<BadMessage> origin =
        Arbitraries.of(
                "https://evil.example",
                "http://localhost.evil.example",
                "null",
                "https://evil.example/\\x\"",
                "file://",
                "http://[::1]evil")
            .map(
                o ->
                    new BadMessage(
                        "a page of origin '" + o + "'",
                        BadRequest.bytes(read()),
                        Map.of("Origin", o),
                        false));
    return Arbitraries.oneOf(session, version, origin);
  }

  private static BadMessage with(String what, ObjectNode message, String field, JsonNode value) {
    if (value == null) {
      message.remove(field);
    } else {
      message.set(field, value);
    }
    return BadMessage.of(what, message);
  }
}
