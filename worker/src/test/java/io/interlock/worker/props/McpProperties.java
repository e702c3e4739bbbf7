package io.interlock.worker.props;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.worker.props.BadMcpMessages.BadMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Generated bad JSON-RPC messages in an open MCP session of the agent: each gets a JSON-RPC error
 * or a tool result marked isError — never an HTTP 5xx, never "internal error", never a success — no
 * mutation reaches the simulated API server, and the session still answers a ping and runs a read
 * afterwards. Run by {@link McpPropertiesTest}, which starts the stack.
 */
class McpProperties {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final String AGENT = "dev-incident-bot";

  private String session;
  private final Map<String, String> placeholders = new HashMap<>();
  private int tries;

  @Provide
  Arbitrary<List<BadMessage>> messages() {
    return BadMcpMessages.all().list().ofMinSize(1).ofMaxSize(4);
  }

  @Property(tries = 100)
  @Label(
      "a bad MCP message gets a JSON-RPC error or an isError tool result, never a 5xx; the session keeps working")
  void badMessagesAreErrors(@ForAll("messages") List<BadMessage> messages) {
    if (++tries % 25 == 0) {
      openSession();
    }
    long before = LiveStack.mutations();
    for (BadMessage m : messages) {
      HttpResponse<String> answer = post(m.body(), m.headers());
      assertThat(answer.statusCode())
          .as("the status for %s (body %s)", m, answer.body())
          .isLessThan(500);
      if (answer.body().isEmpty() && m.silent()) {
        continue;
      }
      JsonNode reply = json(answer, m);
      assertThat(reply.isObject()).as("one JSON-RPC answer to %s: %s", m, reply).isTrue();
      if (answer.statusCode() == 401 || answer.statusCode() == 403) {
        // Refused before any JSON-RPC is read (no token, a foreign page): the API's own error
        // shape.
        for (String field : List.of("error", "why", "next")) {
          assertThat(reply.path(field).asText())
              .as("'%s' in the refusal of %s: %s", field, m, reply)
              .isNotBlank();
        }
      } else if (reply.has("error")) {
        assertThat(reply.path("error").path("code").isInt())
            .as("an error code for %s: %s", m, reply)
            .isTrue();
        assertThat(reply.path("error").path("code").asInt())
            .as("the error code for %s: %s", m, reply)
            .isNotEqualTo(-32603);
        String message = reply.path("error").path("message").asText();
        assertThat(message)
            .as("the error message for %s", m)
            .isNotBlank()
            .doesNotContain("internal error")
            .doesNotContainPattern("[\\p{Cc}\\p{Cf}]");
      } else {
        assertThat(reply.path("result").path("isError").asBoolean())
            .as("isError in the answer to %s: %s", m, brief(reply))
            .isTrue();
        assertThat(reply.path("result").path("content").get(0).path("text").asText())
            .as("why, for %s", m)
            .isNotBlank();
      }
    }
    assertThat(LiveStack.mutations()).as("mutations").isEqualTo(before);
    theSessionStillWorks();
  }

  @BeforeProperty
  void openSession() {
    HttpResponse<String> init =
        post(
            BadRequest.bytes(
                JSON.createObjectNode()
                    .put("jsonrpc", "2.0")
                    .put("id", 1)
                    .put("method", "initialize")
                    .set("params", JSON.createObjectNode().put("protocolVersion", "2025-06-18"))),
            Map.of("Interlock-Environment", "staging", "Mcp-Session-Id", ""));
    assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
    session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    JsonNode first = call(BadRequest.bytes(BadMcpMessages.read()));
    placeholders.put(
        BadMcpMessages.STEP,
        first.path("result").path("structuredContent").path("stepId").asText());
    placeholders.put(
        BadMcpMessages.TASK,
        first.path("result").path("structuredContent").path("taskId").asText());
  }

  private void theSessionStillWorks() {
    JsonNode ping = call("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}".getBytes());
    assertThat(ping.has("result")).as("ping: %s", ping).isTrue();
    JsonNode read = call(BadRequest.bytes(BadMcpMessages.read())).path("result");
    assertThat(read.path("isError").asBoolean()).as("a read: %s", brief(read)).isFalse();
    assertThat(read.path("structuredContent").path("state").asText()).isEqualTo("SUCCEEDED");
  }

  private JsonNode call(byte[] message) {
    HttpResponse<String> answer = post(message, Map.of());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return json(answer, message);
  }

  /** POSTs to /mcp in this session (a header given as "" is left out), placeholders resolved. */
  private HttpResponse<String> post(byte[] body, Map<String, String> overrides) {
    Map<String, String> headers =
        new HashMap<>(
            Map.of(
                "Authorization",
                "Bearer " + AGENT,
                "Content-Type",
                "application/json",
                "Accept",
                "application/json, text/event-stream",
                "MCP-Protocol-Version",
                "2025-06-18"));
    if (session != null) {
      headers.put("Mcp-Session-Id", session);
    }
    headers.putAll(overrides);
    byte[] resolved = new BadRequest("", "", "POST", "", null, body).resolved(placeholders).body();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(LiveStack.base() + "/mcp"))
            .timeout(Duration.ofSeconds(90))
            .POST(HttpRequest.BodyPublishers.ofByteArray(resolved));
    headers.forEach(
        (k, v) -> {
          if (!v.isEmpty()) {
            b.header(k, v);
          }
        });
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("POST /mcp failed: " + e, e);
    }
  }

  private static JsonNode json(HttpResponse<String> answer, Object sent) {
    try {
      return JSON.readTree(answer.body());
    } catch (Exception e) {
      throw new AssertionError(
          "not JSON (status " + answer.statusCode() + ") for " + sent + ": " + answer.body(), e);
    }
  }

  private static String brief(JsonNode reply) {
    String s = reply.toString();
    return s.length() > 600 ? s.substring(0, 600) + "…" : s;
  }
}
