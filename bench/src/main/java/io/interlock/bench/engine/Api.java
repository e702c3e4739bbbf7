package io.interlock.bench.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The dev server's REST API as the benchmark calls it: JSON in, JSON out, 2xx or an error. */
final class Api {
  static final String AGENT = "dev-incident-bot";
  static final String APPROVER = "dev-alice";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final String base;

  Api(HttpClient http, String base) {
    this.http = http;
    this.base = base;
  }

  JsonNode get(String token, String path) throws Exception {
    return send(token, "GET", path, null);
  }

  JsonNode post(String token, String path, Object body) throws Exception {
    return send(token, "POST", path, body);
  }

  /** A raw GET: the body's length only (for large reports). */
  int getLength(String token, String path) throws Exception {
    HttpResponse<byte[]> r =
        http.send(request(token, path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException("GET " + path + " answered " + r.statusCode());
    }
    return r.body().length;
  }

  private JsonNode send(String token, String method, String path, Object body) throws Exception {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
    HttpResponse<byte[]> r =
        http.send(
            request(token, path)
                .header("Content-Type", "application/json")
                .method(method, publisher)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          method + " " + path + " answered " + r.statusCode() + ": " + new String(r.body()));
    }
    return r.body().length == 0 ? JSON.nullNode() : JSON.readTree(r.body());
  }

  private HttpRequest.Builder request(String token, String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + token)
        .timeout(Duration.ofMinutes(2));
  }
}
