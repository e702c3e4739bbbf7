package io.interlock.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The CLI's view of the REST API: JSON in, JSON out, HTTP errors turned into exit codes. */
final class ApiClient {
  static final ObjectMapper JSON = new ObjectMapper();

  private final String server;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ApiClient(String server, String token) {
    this.server = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    this.token = token;
  }

  JsonNode get(String path) {
    return json(send("GET", path, null));
  }

  String getText(String path) {
    return send("GET", path, null);
  }

  JsonNode post(String path, Object body) {
    return json(send("POST", path, body));
  }

  JsonNode delete(String path) {
    return json(send("DELETE", path, null));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private String send(String method, String path, Object body) {
    if (token == null || token.isBlank()) {
      throw new CliFailure(
          CliFailure.AUTH,
          "no token: pass --token or set INTERLOCK_TOKEN (the dev server prints demo tokens)");
    }
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(server + path))
              .timeout(Duration.ofMinutes(2))
              .header("Authorization", "Bearer " + token)
              .header("Accept", "application/json, text/markdown");
      if (body != null) {
        b.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      } else {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() < 300) {
        return r.body();
      }
      throw failure(r.statusCode(), r.body());
    } catch (ConnectException e) {
      throw new CliFailure(
          CliFailure.REFUSED,
          "cannot reach "
              + server
              + ": is the server running? Start it with "
              + "'./interlock dev', or point --server (or INTERLOCK_SERVER) at it");
    } catch (IOException e) {
      throw new CliFailure(
          CliFailure.REFUSED, "talking to " + server + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(CliFailure.REFUSED, "interrupted");
    }
  }

  private static CliFailure failure(int status, String body) {
    String message = body;
    try {
      JsonNode e = JSON.readTree(body);
      StringBuilder sb = new StringBuilder(e.path("error").asText(body));
      if (e.hasNonNull("why")) {
        sb.append("\n  why:  ").append(e.get("why").asText());
      }
      if (e.hasNonNull("value")) {
        sb.append("\n  value: ").append(e.get("value").asText());
      }
      if (e.hasNonNull("next")) {
        sb.append("\n  next: ").append(e.get("next").asText());
      }
      message = sb.toString();
    } catch (IOException notJson) {
      // Keep the raw body.
    }
    int code =
        switch (status) {
          case 401, 403 -> CliFailure.AUTH;
          case 404 -> CliFailure.NOT_FOUND;
          case 400 -> CliFailure.USAGE;
          default -> CliFailure.REFUSED;
        };
    return new CliFailure(code, "HTTP " + status + ": " + message);
  }

  private static JsonNode json(String body) {
    try {
      return body == null || body.isBlank() ? JSON.nullNode() : JSON.readTree(body);
    } catch (IOException e) {
      throw new CliFailure(
          CliFailure.REFUSED, "the server answered something that is not JSON: " + e.getMessage());
    }
  }
}
