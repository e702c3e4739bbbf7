package io.interlock.worker.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.workflows.TaskRequests;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A request body over {@code quarkus.http.limits.max-body-size} is answered 413 with a JSON body
 * naming the limit (JSON-RPC on {@code /mcp}): at once when its Content-Length says so, and while
 * it is read when it is streamed without one. The framework's own 413 is empty and drops the
 * connection mid-upload. Nothing was done, and the caller's session goes on.
 */
@ApplicationScoped
public class RequestSizeLimit {
  /** Past this, the rest of an oversized upload is not worth receiving: answer and close. */
  private static final long DRAIN_AT_MOST = 64L * 1024 * 1024;

  private static final String SETTING = "quarkus.http.limits.max-body-size";

  private final long limit;
  private final ObjectMapper json;

  /**
   * Reads a streamed body up to the limit (failing the route with 413 past it), so the framework
   * never reads one.
   */
  private final BodyHandler streamedBody;

  public RequestSizeLimit(@ConfigProperty(name = SETTING) MemorySize limit, ObjectMapper json) {
    this.limit = limit.asLongValue();
    this.json = json;
    this.streamedBody = BodyHandler.create(false).setBodyLimit(this.limit);
  }

  void register(@Observes Router router) {
    // Ahead of the framework's own check, which answers an empty 413 and closes the connection.
    router
        .route()
        .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1)
        .handler(this::check)
        .failureHandler(this::failed);
  }

  private void check(RoutingContext ctx) {
    long length = declaredLength(ctx.request());
    if (length < 0 && ctx.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
      streamedBody.handle(ctx);
      return;
    }
    if (length <= limit) {
      ctx.next();
      return;
    }
    String body = answer(ctx, length);
    ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    boolean waitsForContinue =
        "100-continue".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.EXPECT));
    if (waitsForContinue || length > DRAIN_AT_MOST) {
      // The client has not sent the body (or should not): answer now and end the connection.
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close").end(body);
      return;
    }
    // Receive and discard the body, so a client that sends it all before reading gets this answer.
    ctx.request().handler(chunk -> {});
    ctx.request().endHandler(done -> ctx.response().end(body));
    ctx.request().resume();
  }

  /** A streamed body that ran past the limit. */
  private void failed(RoutingContext ctx) {
    if (ctx.statusCode() != 413 || ctx.response().headWritten()) {
      ctx.next();
      return;
    }
    ctx.response()
        .setStatusCode(413)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(answer(ctx, -1));
  }

  private String answer(RoutingContext ctx, long length) {
    return ctx.normalizedPath().startsWith("/mcp") ? jsonRpcError(length) : apiError(length);
  }

  private static long declaredLength(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private String why(long length) {
    return (length < 0 ? "more than " + limit : String.valueOf(length))
        + " bytes; this server accepts at most "
        + limit
        + " bytes in one request ("
        + SETTING
        + ")";
  }

  private String apiError(long length) {
    return write(
        json.valueToTree(
            new ApiError(
                "request body too large",
                why(length),
                null,
                null,
                "nothing was done; one tool call may be at most "
                    + TaskRequests.MAX_CALL_BYTES
                    + " bytes of JSON: split the change, or apply large manifests outside Interlock")));
  }

  private String jsonRpcError(long length) {
    ObjectNode answer = JsonNodeFactory.instance.objectNode().put("jsonrpc", "2.0").putNull("id");
    answer
        .putObject("error")
        .put("code", -32600)
        .put(
            "message",
            "request too large: "
                + why(length)
                + ", and one tool call's arguments at most "
                + TaskRequests.MAX_CALL_BYTES
                + " bytes of JSON;"
                + " nothing was done and the session and its task go on");
    return write(answer);
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("an error body is always writable", e);
    }
  }
}
