package io.interlock.worker.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves the API as JSON {error, why?, rule?, value?, next}. */
public class ApiExceptionMappers {

  @ServerExceptionMapper
  public Response api(ApiException e) {
    return json(e.status().getStatusCode(), e.body());
  }

  @ServerExceptionMapper
  public Response badJson(JsonProcessingException e) {
    return json(400, new ApiError("the request body is not valid JSON for this endpoint", null, null,
        e.getOriginalMessage(), "see /q/openapi for the expected shape"));
  }

  /** More specific than the framework's own (empty-bodied) mapper: a wrong type or shape is a JSON 400 too. */
  @ServerExceptionMapper
  public Response mismatched(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
    return badJson(e);
  }

  @ServerExceptionMapper
  public Response unparsable(com.fasterxml.jackson.core.JsonParseException e) {
    return badJson(e);
  }

  /** What the framework refuses before any resource runs, said in the API's own terms. */
  @ServerExceptionMapper
  public Response web(WebApplicationException e, Request request, UriInfo uri, HttpHeaders headers) {
    int status = e.getResponse().getStatus();
    String call = request.getMethod() + " /" + uri.getPath().replaceFirst("^/", "");
    if (status == 404 && e.getCause() != null) {
      // JAX-RS answers 404 for a query or path parameter it cannot convert; it is the caller's input.
      return json(400, new ApiError("a parameter of " + call + " could not be read", e.getCause().getMessage(), null, null,
          "see /q/openapi for each parameter's type"));
    }
    return json(status, switch (status) {
      case 404 -> new ApiError("no such API path", "nothing answers " + call, null, null, "see /q/openapi for the API's paths");
      case 405 -> new ApiError("method not allowed", call + " is not offered", null, null, "see /q/openapi for what this path takes");
      case 415 -> new ApiError("unsupported Content-Type", "'" + headers.getHeaderString(HttpHeaders.CONTENT_TYPE)
          + "' is not accepted by " + call, null, null, "send Content-Type: application/json");
      case 406 -> new ApiError("cannot answer in the Accept'ed type", "'" + headers.getHeaderString(HttpHeaders.ACCEPT)
          + "' is not offered by " + call, null, null, "accept application/json");
      default -> new ApiError(e.getMessage(), "HTTP " + status + " for " + call, null, null, "see /q/openapi");
    });
  }

  /** Anything unforeseen still answers JSON, with an id to find it in the log. */
  @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
  public Response unexpected(RuntimeException e, Request request, UriInfo uri, HttpHeaders headers) {
    if (e instanceof WebApplicationException w) {
      return web(w, request, uri, headers);
    }
    String id = java.util.UUID.randomUUID().toString();
    org.jboss.logging.Logger.getLogger(ApiExceptionMappers.class).errorf(e, "error %s", id);
    return json(500, new ApiError("internal error " + id, e.getClass().getSimpleName(), null, null,
        "nothing was changed by this request; retry, and report the error id if it persists"));
  }

  private static Response json(int status, ApiError body) {
    return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
  }
}
