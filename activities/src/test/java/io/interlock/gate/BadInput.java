package io.interlock.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.RawValue;
import java.nio.charset.StandardCharsets;

/**
 * One generated bad payload: its bytes exactly as a client in any language could send them, what is
 * wrong with it, and the word a refusal must name (a field, or the input's type).
 */
record BadInput(String what, byte[] json, String named) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static BadInput of(String what, JsonNode document, String named) {
    try {
      return new BadInput(what, JSON.writeValueAsBytes(document), named);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The same input with every {@code placeholder} (ASCII) replaced, byte for byte, by {@code
   * value}.
   */
  BadInput replacing(String placeholder, String value) {
    byte[] from = placeholder.getBytes(StandardCharsets.US_ASCII);
    byte[] to = value.getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(json.length);
    for (int i = 0; i < json.length; i++) {
      if (i + from.length <= json.length
          && java.util.Arrays.equals(json, i, i + from.length, from, 0, from.length)) {
        out.write(to, 0, to.length);
        i += from.length - 1;
      } else {
        out.write(json[i]);
      }
    }
    return new BadInput(what, out.toByteArray(), named);
  }

  /** The payload as sent, bytes untouched (never re-encoded by this side's converter). */
  RawValue payload() {
    return new RawValue(
        Payload.newBuilder()
            .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
            .setData(ByteString.copyFrom(json))
            .build());
  }

  /** Short enough for a report: a 1 MB sample would drown the reason it failed. */
  @Override
  public String toString() {
    String text = new String(json, 0, Math.min(json.length, 300), StandardCharsets.UTF_8);
    return what
        + " ["
        + json.length
        + " bytes, must name '"
        + named
        + "'] "
        + text
        + (json.length > 300 ? "…" : "");
  }
}
