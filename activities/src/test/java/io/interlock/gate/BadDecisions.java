package io.interlock.gate;

import static io.interlock.gate.HostileValues.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Approvals and rejections no one proved, sent as the {@code approve} or {@code reject} signal or
 * the {@code decide} update: a valid-looking body for the waiting step (its real callHash where
 * {@link #HASH} stands) with one to three fields made wrong (hash, step, approver, texts, proof,
 * types, unknown fields), or a document that is not JSON. None carries a proof that verifies.
 */
final class BadDecisions {
  /**
   * Replaced when sent by the waiting step's real callHash, that hash in upper case, and cut short.
   */
  static final String HASH = "$HASH";

  static final String UPPER_HASH = "$UPPERHASH";
  static final String CUT_HASH = "$CUTHASH";
  static final String STEP = "s1";
  static final List<String> FIELDS =
      List.of(
          "stepId", "callHash", "approver", "comment", "reason", "breakGlass", "proof", "approve");

  private BadDecisions() {}

  /** Which handler it goes to, and what it carries. */
  record BadDecision(String handler, BadInput body) {
    @Override
    public String toString() {
      return handler + ": " + body;
    }
  }

  static Arbitrary<BadDecision> all() {
    Arbitrary<String> handler = Arbitraries.of("approve", "reject", "decide");
    return handler.flatMap(
        h -> Arbitraries.oneOf(corrupted(h), notJson(h)).map(b -> new BadDecision(h, b)));
  }

  private static ObjectNode valid(String handler) {
    ObjectNode d =
        NODES.objectNode().put("stepId", STEP).put("callHash", HASH).put("approver", "alice");
    if (handler.equals("reject")) {
      return d.put("reason", "not now");
    }
    if (handler.equals("decide")) {
      d.put("approve", true);
    }
    return d.put("comment", "ok");
  }

  /** One to three fields set wrong, on top of the missing proof. */
  private static Arbitrary<BadInput> corrupted(String handler) {
    return change()
        .list()
        .ofMinSize(1)
        .ofMaxSize(3)
        .map(
            changes -> {
              ObjectNode doc = valid(handler);
              StringBuilder what = new StringBuilder(handler);
              for (Change c : changes) {
                if (c.value() == null) {
                  doc.remove(c.field());
                } else {
                  doc.set(c.field(), c.value());
                }
                what.append(", ")
                    .append(c.field())
                    .append(c.value() == null ? " removed" : " = " + shortly(c.value()));
              }
              return BadInput.of(what.toString(), doc, handler);
            });
  }

  private record Change(String field, JsonNode value) {}

  private static Arbitrary<Change> change() {
    return Arbitraries.oneOf(
        values(
            "callHash",
            Arbitraries.oneOf(
                Arbitraries.strings()
                    .withChars("0123456789abcdef")
                    .ofLength(64)
                    .map(h -> "sha256:" + h),
                Arbitraries.of(
                    UPPER_HASH,
                    CUT_HASH,
                    HASH + "x",
                    HASH + " ",
                    " " + HASH,
                    "sha256:",
                    "",
                    "sha512:" + HASH),
                HostileValues.hostileNames("sha256:abc"),
                HostileValues.over(128))),
        values(
            "stepId",
            Arbitraries.oneOf(
                Arbitraries.of("s2", "s0", "s999", "S1", "s1 ", "s-1", ""),
                HostileValues.hostileNames(STEP),
                HostileValues.over(128))),
        values(
            "approver",
            Arbitraries.oneOf(
                Arbitraries.of(
                    "agent:bot", "mallory", "ALICE", "bob", "carol", "dave", "engine", ""),
                HostileValues.hostileNames("alice"),
                HostileValues.over(128))),
        values("comment", HostileValues.over(2_000)),
        values("reason", Arbitraries.oneOf(HostileValues.over(2_000), Arbitraries.of("", " "))),
        values(
            "breakGlass",
            Arbitraries.oneOf(HostileValues.over(2_000), Arbitraries.of("yes", "incident"))),
        Arbitraries.oneOf(proofs(), HostileValues.containers()).map(p -> new Change("proof", p)),
        Combinators.combine(
                Arbitraries.of(FIELDS),
                Arbitraries.oneOf(
                    HostileValues.containers(),
                    Arbitraries.of(NODES.numberNode(5), NODES.booleanNode(true), NODES.nullNode()),
                    HostileValues.outOfRange()))
            .as(Change::new),
        Arbitraries.of(FIELDS).map(f -> new Change(f, null)),
        HostileValues.unknownFieldNames(FIELDS).map(f -> new Change(f, NODES.booleanNode(true))));
  }

  /**
   * Proofs of the right shape that cannot verify: made up, truncated, oversized, of unknown kinds.
   */
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
            NODES.objectNode().put("kind", "JWS").put("token", "a.b.c"),
            NODES.objectNode().put("bogus", true),
            NODES
                .objectNode()
                .put("kind", "jws")
                .put("token", "a.b.c")
                .put("issuedAt", "yesterday")
                .put("expiresAt", "9999-12-31T23:59:59Z")),
        HostileValues.over(16_384)
            .map(s -> (JsonNode) NODES.objectNode().put("kind", "ssh").put("signature", s)));
  }

  private static Arbitrary<BadInput> notJson(String handler) {
    Arbitrary<BadInput> broken =
        MalformedJson.of(valid(handler))
            .map(b -> new BadInput(handler + ", " + b.how(), b.bytes(), handler));
    Arbitrary<BadInput> notAnObject =
        Arbitraries.of(
                NODES.arrayNode(),
                NODES.textNode(STEP),
                NODES.numberNode(1),
                NODES.booleanNode(true),
                NODES.nullNode(),
                NODES.arrayNode().add(valid(handler)))
            .map(
                doc ->
                    BadInput.of(
                        handler + ", a " + doc.getNodeType() + " instead of an object",
                        doc,
                        handler));
    return Arbitraries.oneOf(broken, notAnObject);
  }

  private static Arbitrary<Change> values(String field, Arbitrary<String> texts) {
    return texts.map(t -> new Change(field, NODES.textNode(t)));
  }

  private static String shortly(JsonNode value) {
    String s = value.toString();
    return s.length() > 40 ? s.substring(0, 40) + "…(" + s.length() + ")" : s;
  }
}
