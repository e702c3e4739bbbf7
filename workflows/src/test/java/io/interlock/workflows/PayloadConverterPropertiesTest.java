package io.interlock.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.interlock.contract.commands.Approval;
import io.interlock.contract.commands.Decision;
import io.interlock.contract.commands.Rejection;
import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.commands.ToolCall;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverterException;
import io.temporal.common.converter.EncodingKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;

/**
 * Every signal, update and start payload a Temporal client can send, read by the engine's payload
 * converter: from a valid document with one random change, or from bytes that are barely JSON. It
 * answers with a value or a DataConverterException naming the type, in bounded text, never any
 * other exception; what it accepts survives its own round trip unchanged.
 */
class PayloadConverterPropertiesTest {
  private static final StrictJsonPayloadConverter CONVERTER = new StrictJsonPayloadConverter();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String LONE_SURROGATE = "LONE-SURROGATE";
  private static final List<Class<?>> INPUTS =
      List.of(Approval.class, Rejection.class, Decision.class, ToolCall.class, TaskRequest.class);

  @Property(tries = 10_000)
  @Label(
      "a valid payload with one change is read or refused with a DataConverterException; what is read round-trips")
  void changedPayloadReadOrRefused(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    Class<?> type = INPUTS.get(random.nextInt(INPUTS.size()));
    ObjectNode doc = valid(type);
    String what = change(doc, random);
    // A lone surrogate can only be sent as an escape: the generator refuses to write one.
    byte[] bytes =
        JSON.writeValueAsString(doc)
            .replace(LONE_SURROGATE, "\\ud800")
            .getBytes(StandardCharsets.UTF_8);
    if (random.nextInt(6) == 0) {
      String[] tails = {" {}", "}", ",", " null", "\u0000", " /*x*/"};
      String tail = tails[random.nextInt(tails.length)];
      bytes = (new String(bytes, StandardCharsets.UTF_8) + tail).getBytes(StandardCharsets.UTF_8);
      what += ", then '" + tail + "' appended";
    }
    judge(type, bytes, what);
  }

  @Property(tries = 10_000)
  @Label(
      "arbitrary bytes near JSON are read or refused with a DataConverterException, never another exception")
  void nearJsonBytesReadOrRefused(@ForAll long seed) {
    Random random = new Random(seed);
    Class<?> type = INPUTS.get(random.nextInt(INPUTS.size()));
    byte[] bytes = new byte[random.nextInt(64)];
    String alphabet = "{}[]\":,0123456789.eE-+tfnrul \\stepIdcallHashapprover\u00e9";
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] =
          random.nextInt(10) == 0
              ? (byte) random.nextInt(256)
              : (byte) alphabet.charAt(random.nextInt(alphabet.length()));
    }
    judge(type, bytes, "bytes " + java.util.HexFormat.of().formatHex(bytes));
  }

  private static void judge(Class<?> type, byte[] bytes, String what) {
    Payload payload =
        Payload.newBuilder()
            .putMetadata(EncodingKeys.METADATA_ENCODING_KEY, ByteString.copyFromUtf8("json/plain"))
            .setData(ByteString.copyFrom(bytes))
            .build();
    Object value;
    try {
      value = CONVERTER.fromData(payload, type, type);
    } catch (DataConverterException e) {
      assertThat(e.getMessage())
          .as("refusal of %s after %s", type.getSimpleName(), what)
          .contains(type.getSimpleName());
      assertThat(e.getMessage().length())
          .as("refusal length after %s: %s", what, brief(NODES.textNode(e.getMessage())))
          .isLessThan(2_000);
      return;
    } catch (RuntimeException e) {
      throw new AssertionError(type.getSimpleName() + " after " + what + " threw " + e, e);
    }
    if (value == null) {
      return;
    }
    Payload again = CONVERTER.toData(value).orElseThrow();
    assertThat(CONVERTER.fromData(again, type, type))
        .as("round trip of %s after %s", value, what)
        .isEqualTo(value);
  }

  private static ObjectNode valid(Class<?> type) {
    ObjectNode proof =
        NODES
            .objectNode()
            .put("kind", "ssh")
            .put("signature", "-----BEGIN SSH SIGNATURE-----\nAAAA\n")
            .put("issuedAt", "2026-12-01T00:00:00Z")
            .put("expiresAt", "2026-12-01T00:10:00Z");
    ObjectNode call = NODES.objectNode().put("tool", "k8s.scale");
    call.putObject("args").put("namespace", "shop").put("name", "web").put("replicas", 3);
    if (type == ToolCall.class) {
      return call;
    }
    if (type == TaskRequest.class) {
      ObjectNode start =
          NODES
              .objectNode()
              .put("requester", "agent:bot")
              .put("environment", "staging")
              .put("goal", "g")
              .put("approvalTimeoutSeconds", 600)
              .put("finishWhenDone", true)
              .put("historyLimit", 1000);
      start.putArray("steps").add(call);
      return start;
    }
    ObjectNode d =
        NODES
            .objectNode()
            .put("stepId", "s1")
            .put("callHash", "sha256:" + "a".repeat(64))
            .put("approver", "alice");
    d.put(type == Rejection.class ? "reason" : "comment", "ok");
    if (type == Decision.class) {
      d.put("approve", true);
    }
    d.set("proof", proof);
    return d;
  }

  /** One change anywhere in the document; returns what it did. */
  private static String change(ObjectNode doc, Random random) {
    List<ObjectNode> objects = new ArrayList<>();
    collect(doc, objects);
    ObjectNode o = objects.get(random.nextInt(objects.size()));
    List<String> names = new ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    if (names.isEmpty() || random.nextInt(5) == 0) {
      o.set(random.nextBoolean() ? "unknownField" : "", odd(random));
      return "added a field";
    }
    String name = names.get(random.nextInt(names.size()));
    if (random.nextInt(4) == 0) {
      o.remove(name);
      return "dropped " + name;
    }
    JsonNode v = odd(random);
    o.set(name, v);
    return "set " + name + " to " + brief(v);
  }

  private static String brief(JsonNode v) {
    String text = v.toString();
    return text.length() <= 60 ? text : text.substring(0, 60) + "…(" + text.length() + " chars)";
  }

  private static void collect(JsonNode node, List<ObjectNode> out) {
    if (node instanceof ObjectNode o) {
      out.add(o);
    }
    node.elements().forEachRemaining(child -> collect(child, out));
  }

  private static JsonNode odd(Random random) {
    return switch (random.nextInt(16)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.textNode("");
      case 2 -> NODES.textNode("x".repeat(random.nextInt(100_000)));
      case 3 -> NODES.numberNode(random.nextLong());
      case 4 -> NODES.numberNode(new java.math.BigInteger("18446744073709551621"));
      case 5 -> NODES.numberNode(3600.0);
      case 6 -> NODES.numberNode(1e308 * 10);
      case 7 -> NODES.booleanNode(random.nextBoolean());
      case 8 -> NODES.arrayNode().add(1).add("a");
      case 9 -> NODES.objectNode().put("a", 1);
      case 10 -> NODES.textNode("600");
      case 11 -> NODES.textNode("\u202e\u0000\ud83d\ude80");
      case 12 -> NODES.textNode(LONE_SURROGATE);
      case 13 -> NODES.arrayNode().addNull();
      case 14 -> NODES.numberNode(-1);
      default -> NODES.textNode("true");
    };
  }
}
