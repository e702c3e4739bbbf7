package io.interlock.worker.props;

import static io.interlock.worker.props.BadStartRequests.AGENT;
import static io.interlock.worker.props.BadStartRequests.brief;
import static io.interlock.worker.props.BadStepRequests.ALICE;
import static io.interlock.worker.props.BadStepRequests.DONE;
import static io.interlock.worker.props.HostileBodyValues.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * {@code POST .../steps/{step}/approve} and {@code .../reject} requests that must not decide the
 * waiting write of {@link #WAITING}: from alice (who may approve it) with one or two things wrong —
 * the callHash (another, upper-cased, cut short, missing), the step (unknown, with '#', '?', '/',
 * '..', case, invisible characters), a made-up proof, a text over its limit, a break-glass reason
 * staging does not allow, a missing reason, an unknown field, a body that is not JSON — or a valid
 * body from dave (not an approver), a valid approval from the agent (the requester may withdraw its
 * call, never approve it), or to a task that ended.
 */
final class BadDecisionRequests {
  static final String DAVE = "dev-dave";

  /** Replaced by a task of the agent whose write s1 waits for approval. */
  static final String WAITING = "$WAITING";

  /**
   * Replaced by the waiting write's callHash, that hash upper-cased, and cut short by one
   * character.
   */
  static final String HASH = "$HASH";

  static final String UPPER_HASH = "$UPPERHASH";
  static final String CUT_HASH = "$CUTHASH";

  private BadDecisionRequests() {}

  static Arbitrary<BadRequest> all() {
    Arbitrary<String> verb = Arbitraries.of("approve", "reject");
    return verb.flatMap(
        v -> Arbitraries.oneOf(wrongFromAlice(v), fromNonApprovers(v), toEndedTask(v), notJson(v)));
  }

  static ObjectNode valid(String verb) {
    ObjectNode body = NODES.objectNode().put("callHash", HASH);
    return verb.equals("approve") ? body.put("comment", "ok") : body.put("reason", "not now");
  }

  private static String path(String task, String step, String verb) {
    return "/api/tasks/" + task + "/steps/" + step + "/" + verb;
  }

  private record Change(String what, String step, String field, JsonNode value, boolean remove) {}

  private static Arbitrary<BadRequest> wrongFromAlice(String verb) {
    return changes(verb)
        .list()
        .ofMinSize(1)
        .ofMaxSize(2)
        .map(
            changes -> {
              ObjectNode body = valid(verb);
              String step = "s1";
              StringBuilder what = new StringBuilder(verb);
              for (Change c : changes) {
                if (c.step() != null) {
                  step = c.step();
                } else if (c.remove()) {
                  body.remove(c.field());
                } else {
                  body.set(c.field(), c.value());
                }
                what.append(", ").append(c.what());
              }
              return BadRequest.post(what.toString(), ALICE, path(WAITING, step, verb), body);
            });
  }

  private static Arbitrary<Change> changes(String verb) {
    Arbitrary<Change> hash =
        Arbitraries.oneOf(
                Arbitraries.strings()
                    .withChars("0123456789abcdef")
                    .ofLength(64)
                    .map(h -> "sha256:" + h),
                Arbitraries.of(
                    UPPER_HASH, CUT_HASH, HASH + "x", " " + HASH, "sha512:" + HASH, "sha256:", ""),
                HostileBodyValues.hostileNames("sha256:abc"),
                HostileBodyValues.over(128))
            .map(
                h ->
                    new Change(
                        "callHash " + brief(NODES.textNode(h)),
                        null,
                        "callHash",
                        NODES.textNode(h),
                        false));
    Arbitrary<Change> step =
        Arbitraries.oneOf(
                Arbitraries.of("s2", "s0", "S1", "s-1"), HostileBodyValues.hostileNames("s1"))
            .map(s -> new Change("step '" + s + "'", BadRequest.segment(s), null, null, false));
    String text = verb.equals("approve") ? "comment" : "reason";
    Arbitrary<Change> longText =
        HostileBodyValues.over(2_000)
            .map(
                t ->
                    new Change(
                        text + " of " + t.length() + " characters",
                        null,
                        text,
                        NODES.textNode(t),
                        false));
    Arbitrary<Change> proof =
        Arbitraries.oneOf(
                proofs(), HostileBodyValues.containers(), Arbitraries.just(NODES.numberNode(5)))
            .map(p -> new Change("proof " + brief(p), null, "proof", p, false));
    Arbitrary<Change> wrongType =
        Combinators.combine(Arbitraries.of("callHash", text), HostileBodyValues.containers())
            .as((f, v) -> new Change(f + " = " + brief(v), null, f, v, false));
    Arbitrary<Change> missing =
        Arbitraries.of(verb.equals("approve") ? List.of("callHash") : List.of("callHash", "reason"))
            .map(f -> new Change(f + " missing", null, f, null, true));
    Arbitrary<Change> unknown =
        Arbitraries.oneOf(
                HostileBodyValues.unknownFieldNames(
                    List.of("callHash", "comment", "reason", "breakGlass", "proof")),
                Arbitraries.of("approver", "stepId", "approve"))
            .map(
                f ->
                    new Change("unknown field '" + f + "'", null, f, NODES.textNode("bob"), false));
    List<Arbitrary<Change>> all =
        new java.util.ArrayList<>(
            List.of(hash, step, longText, proof, wrongType, missing, unknown));
    if (verb.equals("approve")) {
      // staging names no one who may break glass: any reason is refused.
      all.add(
          Arbitraries.of("incident 42", "x")
              .map(
                  r ->
                      new Change(
                          "breakGlass '" + r + "'", null, "breakGlass", NODES.textNode(r), false)));
    } else {
      all.add(
          Arbitraries.of("", " \t")
              .map(r -> new Change("blank reason", null, "reason", NODES.textNode(r), false)));
    }
    return Arbitraries.oneOf(all);
  }

  /** Proofs of the right shape that cannot verify: made up, of unknown kinds, oversized. */
  private static Arbitrary<JsonNode> proofs() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            NODES
                .objectNode()
                .put("kind", "jws")
                .put("token", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9."),
            NODES.objectNode().put("kind", "jws").put("token", "a.b.c"),
            NODES
                .objectNode()
                .put("kind", "ssh")
                .put(
                    "signature",
                    "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"),
            NODES.objectNode().put("kind", "none"),
            NODES.objectNode().put("bogus", true)),
        HostileBodyValues.over(16_384)
            .map(s -> (JsonNode) NODES.objectNode().put("kind", "ssh").put("signature", s)));
  }

  /**
   * dave approves nothing in staging; the agent never approves (it may withdraw its own call:
   * reject is its right).
   */
  private static Arbitrary<BadRequest> fromNonApprovers(String verb) {
    return (verb.equals("approve") ? Arbitraries.of(DAVE, AGENT) : Arbitraries.just(DAVE))
        .map(
            token ->
                BadRequest.post(
                    "a valid " + verb + " from " + token,
                    token,
                    path(WAITING, "s1", verb),
                    valid(verb)));
  }

  private static Arbitrary<BadRequest> toEndedTask(String verb) {
    return Arbitraries.just(
        BadRequest.post(
            verb + " in a task that has completed", ALICE, path(DONE, "s1", verb), valid(verb)));
  }

  private static Arbitrary<BadRequest> notJson(String verb) {
    Arbitrary<BadRequest> broken =
        MalformedBodies.of(valid(verb))
            .map(
                b ->
                    BadRequest.post(
                        verb + ", " + b.how(), ALICE, path(WAITING, "s1", verb), b.bytes()));
    Arbitrary<BadRequest> notAnObject =
        Arbitraries.of(
                NODES.arrayNode(),
                NODES.textNode(HASH),
                NODES.numberNode(1),
                NODES.nullNode(),
                NODES.arrayNode().add(valid(verb)))
            .map(
                doc ->
                    BadRequest.post(
                        verb + ", a " + doc.getNodeType() + " instead of an object",
                        ALICE,
                        path(WAITING, "s1", verb),
                        doc));
    Arbitrary<BadRequest> notSentAsJson =
        Arbitraries.of("text/plain", "application/xml")
            .map(
                type ->
                    BadRequest.post(
                            "a valid " + verb, ALICE, path(WAITING, "s1", verb), valid(verb))
                        .withContentType(type));
    return Arbitraries.oneOf(broken, notAnObject, notSentAsJson);
  }
}
