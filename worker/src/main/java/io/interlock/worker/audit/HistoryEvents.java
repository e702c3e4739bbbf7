package io.interlock.worker.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.Timestamp;
import io.interlock.contract.values.FailureType;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.failure.v1.Failure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/** Reads payloads, failures and times out of history events, without any workflow class. */
final class HistoryEvents {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HistoryEvents() {}

  /** All payloads as one JSON array (plain JSON is how every Interlock payload travels). */
  static ArrayNode json(Payloads payloads) {
    ArrayNode out = JSON.createArrayNode();
    if (payloads != null) {
      payloads.getPayloadsList().forEach(p -> out.add(json(p)));
    }
    return out;
  }

  static JsonNode json(Payload p) {
    String encoding =
        p.getMetadataOrDefault("encoding", com.google.protobuf.ByteString.EMPTY).toStringUtf8();
    if (encoding.equals("binary/null")) {
      return NullNode.getInstance();
    }
    if (encoding.startsWith("json/")) {
      try {
        return JSON.readTree(p.getData().toStringUtf8());
      } catch (IOException e) {
        return TextNode.valueOf(p.getData().toStringUtf8());
      }
    }
    if (encoding.equals("binary/plain") && isUtf8(p.getData().toByteArray())) {
      return TextNode.valueOf(p.getData().toString(StandardCharsets.UTF_8));
    }
    return TextNode.valueOf(
        "base64:" + Base64.getEncoder().encodeToString(p.getData().toByteArray()));
  }

  static JsonNode first(Payloads payloads) {
    ArrayNode all = json(payloads);
    return all.isEmpty() ? NullNode.getInstance() : all.get(0);
  }

  /**
   * The message and type of a failure chain ("message [TYPE]"): the innermost failure typed with a
   * {@link FailureType} (what an activity reported; its own cause is the exception it was
   * translated from), or else the innermost failure.
   */
  static String failure(Failure f) {
    Failure inner = f;
    Failure typed = null;
    for (Failure c = f; c != null; c = c.hasCause() ? c.getCause() : null) {
      inner = c;
      if (c.hasApplicationFailureInfo() && isFailureType(c.getApplicationFailureInfo().getType())) {
        typed = c;
      }
    }
    Failure shown = typed != null ? typed : inner;
    String type =
        shown.hasApplicationFailureInfo() ? shown.getApplicationFailureInfo().getType() : "";
    String msg = shown.getMessage().isEmpty() ? f.getMessage() : shown.getMessage();
    return type.isEmpty() ? msg : msg + " [" + type + "]";
  }

  private static boolean isFailureType(String type) {
    return Arrays.stream(FailureType.values()).anyMatch(t -> t.type().equals(type));
  }

  static String time(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
  }

  private static boolean isUtf8(byte[] bytes) {
    return StandardCharsets.UTF_8
        .newDecoder()
        .decode(java.nio.ByteBuffer.wrap(bytes), java.nio.CharBuffer.allocate(bytes.length), true)
        .isUnderflow();
  }
}
