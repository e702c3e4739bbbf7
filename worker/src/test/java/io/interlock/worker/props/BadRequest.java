package io.interlock.worker.props;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * One HTTP request no client should get a success for: who sends it (a dev token), method, path
 * (placeholders such as {@code $IDLE} stand for the property's own tasks; other segments already
 * percent-encoded), content type, body bytes exactly as sent, and what is wrong with it.
 */
record BadRequest(
    String what, String token, String method, String path, String contentType, byte[] body) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static BadRequest post(String what, String token, String path, JsonNode body) {
    return post(what, token, path, bytes(body));
  }

  static BadRequest post(String what, String token, String path, byte[] body) {
    return new BadRequest(what, token, "POST", path, "application/json", body);
  }

  static BadRequest get(String what, String token, String path) {
    return new BadRequest(what, token, "GET", path, null, null);
  }

  BadRequest withContentType(String type) {
    return new BadRequest(what + " sent as " + type, token, method, path, type, body);
  }

  static byte[] bytes(JsonNode body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Every placeholder in path and body replaced by its value (bytes outside placeholders
   * untouched).
   */
  BadRequest resolved(Map<String, String> values) {
    String p = path;
    byte[] b = body;
    for (Map.Entry<String, String> v : values.entrySet()) {
      p = p.replace(v.getKey(), v.getValue());
      b =
          b == null
              ? null
              : replace(
                  b,
                  v.getKey().getBytes(StandardCharsets.US_ASCII),
                  v.getValue().getBytes(StandardCharsets.UTF_8));
    }
    return new BadRequest(what, token, method, p, contentType, b);
  }

  private static byte[] replace(byte[] in, byte[] from, byte[] to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
    for (int i = 0; i < in.length; i++) {
      if (i + from.length <= in.length
          && Arrays.equals(in, i, i + from.length, from, 0, from.length)) {
        out.write(to, 0, to.length);
        i += from.length - 1;
      } else {
        out.write(in[i]);
      }
    }
    return out.toByteArray();
  }

  /** A path segment percent-encoded as a careful client would send it ('/', '?', '#' and all). */
  static String segment(String raw) {
    StringBuilder out = new StringBuilder();
    for (byte b : raw.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~$".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  /** Short enough for a report: a 1 MB sample would drown the reason it failed. */
  @Override
  public String toString() {
    String shownPath =
        path.length() > 200 ? path.substring(0, 200) + "…(" + path.length() + ")" : path;
    String text =
        body == null ? "" : new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
    String shownBody =
        body == null ? "" : ", " + body.length + " bytes: " + text + (body.length > 300 ? "…" : "");
    return what + " [" + token + " " + method + " " + shownPath + shownBody + "]";
  }
}
