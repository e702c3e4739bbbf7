package io.interlock.worker.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.contract.values.CallerText;
import io.interlock.worker.auth.Caller;
import io.interlock.worker.auth.TokenAuthenticator;
import io.interlock.worker.environments.PolicyView;
import io.interlock.workflows.StrictJsonPayloadConverter;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

/**
 * The MCP endpoint, streamable HTTP transport (protocol 2025-06-18, also 2025-03-26): JSON-RPC 2.0
 * requests by POST, answered as {@code application/json}; notifications get 202. The caller is the
 * bearer token's identity, never an argument. The session's environment comes from the {@code
 * Interlock-Environment} header of {@code initialize}, else {@code
 * interlock.mcp.default-environment}.
 */
@Path("/mcp")
public class McpEndpoint {
  static final String SESSION_HEADER = "Mcp-Session-Id";
  static final String VERSION_HEADER = "MCP-Protocol-Version";
  static final String ENVIRONMENT_HEADER = "Interlock-Environment";
  static final List<String> VERSIONS = List.of("2025-06-18", "2025-03-26");
  private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]", "::1");
  private static final Logger LOG = Logger.getLogger(McpEndpoint.class);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final TokenAuthenticator authenticator;
  private final McpSessions sessions;
  private final McpTools tools;
  private final PolicyView policy;
  private final McpConfig config;
  private final ObjectMapper mapper;

  public McpEndpoint(
      TokenAuthenticator authenticator,
      McpSessions sessions,
      McpTools tools,
      PolicyView policy,
      McpConfig config,
      ObjectMapper mapper) {
    this.authenticator = authenticator;
    this.sessions = sessions;
    this.tools = tools;
    this.policy = policy;
    this.config = config;
    this.mapper = mapper;
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @Operation(
      summary = "MCP (streamable HTTP): JSON-RPC 2.0 initialize, ping, tools/list, tools/call")
  public Response post(byte[] body, @Context HttpHeaders headers, @Context UriInfo uri) {
    Optional<Response> refused = originRefused(headers, uri);
    if (refused.isPresent()) {
      return refused.get();
    }
    Optional<Caller> caller = authenticate(headers);
    if (caller.isEmpty()) {
      return unauthorized();
    }
    // JSON is UTF-8, well-formed: an overlong or surrogate sequence is no character to decode
    // leniently.
    String notUtf8 =
        body == null ? null : StrictJsonPayloadConverter.notWellFormedUtf8(ByteBuffer.wrap(body));
    if (notUtf8 != null) {
      return json(
          400,
          error(
              NullNode.getInstance(), McpError.PARSE_ERROR, "parse error: the body is " + notUtf8));
    }
    JsonNode message;
    try {
      message = body == null || body.length == 0 ? null : mapper.readTree(body);
    } catch (IOException e) {
      String why = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
      return json(
          400,
          error(
              NullNode.getInstance(),
              McpError.PARSE_ERROR,
              "parse error: " + CallerText.shown(why, 500)));
    }
    if (message == null || message.isMissingNode()) {
      return json(
          400, error(NullNode.getInstance(), McpError.PARSE_ERROR, "parse error: empty body"));
    }
    String version = headers.getHeaderString(VERSION_HEADER);
    if (version != null && !VERSIONS.contains(version)) {
      return json(
          400,
          error(
              NullNode.getInstance(),
              McpError.INVALID_REQUEST,
              "unsupported "
                  + VERSION_HEADER
                  + " '"
                  + CallerText.shown(version)
                  + "'; this server speaks "
                  + VERSIONS));
    }
    String sessionId = headers.getHeaderString(SESSION_HEADER);
    if (isInitialize(message)) {
      if (sessionId != null && !sessionId.isBlank()) {
        // Initialize belongs before a session: inside one it would silently swap the session's
        // task.
        return json(
            400,
            error(
                idOf(message),
                McpError.INVALID_REQUEST,
                "this request already names session "
                    + (sessionId.length() > 64 ? sessionId.substring(0, 64) + "…" : sessionId)
                    + "; initialize only without "
                    + SESSION_HEADER
                    + " (end the session with DELETE to start another)"));
      }
      return initialize(message, caller.get(), headers);
    }
    if (sessionId == null || sessionId.isBlank()) {
      return json(
          400,
          error(
              idOf(message),
              McpError.INVALID_REQUEST,
              SESSION_HEADER
                  + " header required: send initialize first and repeat the session id it returns"));
    }
    Optional<McpSession> session = sessions.find(sessionId, caller.get().user());
    if (session.isEmpty()) {
      // 404 tells the client to start a new session (streamable HTTP transport, session
      // management).
      return json(
          404,
          error(
              idOf(message),
              McpError.INVALID_REQUEST,
              "unknown or closed session; initialize again"));
    }
    String base = uri.getBaseUri().toString();
    if (message.isArray()) {
      if (!"2025-03-26".equals(session.get().protocolVersion)) {
        return json(
            400,
            error(
                NullNode.getInstance(),
                McpError.INVALID_REQUEST,
                "JSON-RPC batches are not part of protocol " + session.get().protocolVersion));
      }
      ArrayNode answers = JSON.arrayNode();
      for (JsonNode m : message) {
        JsonNode a = handle(m, session.get(), caller.get(), base);
        if (a != null) {
          answers.add(a);
        }
      }
      return answers.isEmpty() ? Response.accepted().build() : json(200, answers);
    }
    JsonNode answer = handle(message, session.get(), caller.get(), base);
    return answer == null
        ? Response.accepted().build()
        : json(answer.has("error") && isInvalid(message) ? 400 : 200, answer);
  }

  @GET
  @Operation(summary = "No server-initiated stream: this server answers every request in its POST")
  public Response stream() {
    return Response.status(Response.Status.METHOD_NOT_ALLOWED)
        .header("Allow", "POST, DELETE")
        .build();
  }

  @DELETE
  @Consumes(MediaType.WILDCARD)
  @Operation(
      summary =
          "End an MCP session: its task is told the agent is done (pending approvals still complete)")
  public Response close(@Context HttpHeaders headers, @Context UriInfo uri) {
    Optional<Response> refused = originRefused(headers, uri);
    if (refused.isPresent()) {
      return refused.get();
    }
    Optional<Caller> caller = authenticate(headers);
    if (caller.isEmpty()) {
      return unauthorized();
    }
    Optional<McpSession> session =
        sessions.find(headers.getHeaderString(SESSION_HEADER), caller.get().user());
    if (session.isEmpty()) {
      return Response.status(404).build();
    }
    sessions.close(session.get().id, caller.get().user());
    tools.finish(session.get(), caller.get());
    return Response.noContent().build();
  }

  private Response initialize(JsonNode message, Caller caller, HttpHeaders headers) {
    JsonNode params = message.path("params");
    String requested = params.path("protocolVersion").asText("");
    String version = VERSIONS.contains(requested) ? requested : VERSIONS.get(0);
    String env =
        Optional.ofNullable(headers.getHeaderString(ENVIRONMENT_HEADER))
            .filter(s -> !s.isBlank())
            .orElse(config.defaultEnvironment());
    if (!policy.environmentNames().contains(env)) {
      return json(
          200,
          error(
              message.get("id"),
              McpError.INVALID_PARAMS,
              "unknown environment '"
                  + env
                  + "' ("
                  + ENVIRONMENT_HEADER
                  + " header or interlock.mcp.default-environment); environments: "
                  + policy.environmentNames()));
    }
    JsonNode info = params.path("clientInfo");
    String client =
        info.hasNonNull("name")
            ? info.path("name").asText() + " " + info.path("version").asText("")
            : null;
    McpSession s =
        sessions.open(caller.user(), env, version, client == null ? null : client.trim());
    ObjectNode result = JSON.objectNode().put("protocolVersion", version);
    result.putObject("capabilities").putObject("tools").put("listChanged", false);
    result
        .putObject("serverInfo")
        .put("name", "interlock")
        .put("title", "Interlock")
        .put("version", "0.1.0");
    result.put(
        "instructions",
        "You are "
            + caller.user()
            + " in environment "
            + env
            + ". Reads run at once. "
            + "Writes never run when you call them: each is proposed in your task and waits until a human approves that "
            + "exact call (callHash) before its deadline; then the engine runs and verifies it. Use wait_for_step to learn "
            + "the outcome and task_status to see the whole task. You cannot approve anything.");
    LOG.infof("MCP session %s opened by %s (%s) in %s", s.id, caller.user(), client, env);
    return Response.ok(success(message.get("id"), result).toString(), MediaType.APPLICATION_JSON)
        .header(SESSION_HEADER, s.id)
        .build();
  }

  /** Answers one message; null for notifications and client responses (they get 202). */
  private JsonNode handle(JsonNode m, McpSession session, Caller caller, String baseUrl) {
    if (isInvalid(m)) {
      return error(
          m.isObject() && m.has("id") ? m.get("id") : NullNode.getInstance(),
          McpError.INVALID_REQUEST,
          "not a JSON-RPC 2.0 message");
    }
    if (!m.has("method")) {
      return null;
    }
    String method = m.path("method").asText();
    if (!m.has("id")) {
      return null;
    }
    JsonNode id = m.get("id");
    try {
      return switch (method) {
        case "ping" -> success(id, JSON.objectNode());
        case "initialize" ->
            error(id, McpError.INVALID_REQUEST, "this session is already initialized");
        case "tools/list" -> success(id, tools.list());
        case "tools/call" ->
            success(
                id,
                tools.call(
                    session,
                    caller,
                    m.path("params").path("name").asText(null),
                    m.path("params").get("arguments"),
                    baseUrl));
        default ->
            error(
                id,
                McpError.METHOD_NOT_FOUND,
                "method '"
                    + CallerText.shown(method)
                    + "' is not offered;"
                    + " this server offers initialize, ping, tools/list and tools/call");
      };
    } catch (McpError e) {
      return error(id, e.code, e.getMessage());
    } catch (RuntimeException e) {
      LOG.warnf(e, "MCP %s failed", method);
      return error(id, McpError.INTERNAL_ERROR, "internal error: " + e.getMessage());
    }
  }

  private static boolean isInitialize(JsonNode m) {
    return !isInvalid(m) && "initialize".equals(m.path("method").asText()) && m.has("id");
  }

  private static boolean isInvalid(JsonNode m) {
    // Exactly the string "2.0" (the number 2.0 reads as that text, but is not JSON-RPC 2.0).
    if (!m.isObject()
        || !m.path("jsonrpc").isTextual()
        || !"2.0".equals(m.path("jsonrpc").asText())) {
      return true;
    }
    JsonNode id = m.get("id");
    boolean validId = id == null || id.isTextual() || id.isIntegralNumber();
    boolean request = m.has("method") && m.get("method").isTextual();
    boolean response = m.has("result") || m.has("error");
    return !validId || !(request || response);
  }

  private static JsonNode idOf(JsonNode m) {
    return m.isObject() && m.has("id") ? m.get("id") : NullNode.getInstance();
  }

  private static ObjectNode success(JsonNode id, JsonNode result) {
    ObjectNode o = JSON.objectNode().put("jsonrpc", "2.0");
    o.set("id", id);
    o.set("result", result);
    return o;
  }

  private static ObjectNode error(JsonNode id, int code, String message) {
    ObjectNode o = JSON.objectNode().put("jsonrpc", "2.0");
    o.set("id", id == null ? NullNode.getInstance() : id);
    o.putObject("error").put("code", code).put("message", message);
    return o;
  }

  private Optional<Caller> authenticate(HttpHeaders headers) {
    String header = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    return authenticator.authenticate(header.substring(7).trim());
  }

  private static Response unauthorized() {
    ObjectNode body =
        JSON.objectNode()
            .put("error", "authentication required")
            .put("why", "the session's caller is the bearer token's identity, never an argument")
            .put("next", "send 'Authorization: Bearer <agent token>'");
    return Response.status(401)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"interlock\"")
        .type(MediaType.APPLICATION_JSON)
        .entity(body.toString())
        .build();
  }

  /** Browsers on other sites must not reach a local server (the spec's DNS-rebinding guard). */
  private static Optional<Response> originRefused(HttpHeaders headers, UriInfo uri) {
    String origin = headers.getHeaderString("Origin");
    if (origin == null || origin.isBlank()) {
      return Optional.empty();
    }
    String host;
    try {
      host = URI.create(origin).getHost();
    } catch (IllegalArgumentException e) {
      host = null;
    }
    if (host != null && (LOCAL_HOSTS.contains(host) || host.equals(uri.getBaseUri().getHost()))) {
      return Optional.empty();
    }
    // Built as JSON, not by concatenation: an Origin is caller text (quotes, backslashes).
    ObjectNode body =
        JSON.objectNode()
            .put("error", "origin " + CallerText.shown(origin) + " may not call this MCP endpoint")
            .put("why", "a page of another site must not reach a local server (DNS rebinding)")
            .put("next", "call it from a local client, not from a web page");
    return Optional.of(
        Response.status(403).type(MediaType.APPLICATION_JSON).entity(body.toString()).build());
  }

  private static Response json(int status, JsonNode body) {
    return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body.toString()).build();
  }
}
