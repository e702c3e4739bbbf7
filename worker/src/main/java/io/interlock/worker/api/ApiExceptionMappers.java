package io.interlock.worker.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.interlock.contract.values.CallerText;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves the API as JSON {error, why, rule?, value?, next}. */
public class ApiExceptionMappers {

  @ServerExceptionMapper
  public Response api(ApiException e) {
    return json(e.status().getStatusCode(), e.body());
  }

  @ServerExceptionMapper
  public Response badJson(JsonProcessingException e) {
    return json(
        400,
        ApiError.of(
            "the request body is not valid JSON for this endpoint",
            reason(e),
            "see /q/openapi for the expected shape"));
  }

  /**
   * More specific than the framework's own (empty-bodied) mapper: a wrong type or shape is a JSON
   * 400 too.
   */
  @ServerExceptionMapper
  public Response mismatched(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
    return badJson(e);
  }

  @ServerExceptionMapper
  public Response unparsable(com.fasterxml.jackson.core.JsonParseException e) {
    return badJson(e);
  }

  /**
   * The framework's own refusals (no such path, method, media type, parameter) with what was asked.
   */
  @ServerExceptionMapper
  public Response web(WebApplicationException e, ContainerRequestContext request) {
    int status = e.getResponse().getStatus();
    String asked =
        request.getMethod() + " " + CallerText.shown(request.getUriInfo().getPath(), 200);
    if (status == 404 && e.getCause() != null) {
      // JAX-RS answers 404 for a query or path parameter it cannot convert; it is the caller's
      // input.
      return json(
          400,
          ApiError.of(
              "a parameter of " + asked + " could not be read",
              CallerText.shown(String.valueOf(e.getCause().getMessage()), 200),
              "see /q/openapi for each parameter's type"));
    }
    return json(
        status,
        switch (status) {
          case 404 ->
              ApiError.of(
                  "not found: " + asked,
                  "no resource of this API answers that path",
                  "see /q/openapi for the API's paths");
          case 405 ->
              ApiError.of(
                  "method not allowed: " + asked,
                  "this path does not take " + request.getMethod(),
                  "see /q/openapi for the methods of each path");
          case 415 ->
              ApiError.of(
                  "unsupported media type: " + asked,
                  "the body was sent as '"
                      + CallerText.shown(String.valueOf(request.getMediaType()))
                      + "'; this endpoint reads application/json",
                  "send Content-Type: application/json");
          case 406 ->
              ApiError.of(
                  "not acceptable: " + asked,
                  "the Accept header asks for a type this endpoint does not produce",
                  "accept application/json");
          default ->
              ApiError.of(
                  CallerText.shown(e.getMessage(), 200) + ": " + asked,
                  "the request does not fit this endpoint",
                  "see /q/openapi");
        });
  }

  /** Anything unforeseen still answers JSON, with an id to find it in the log. */
  @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
  public Response unexpected(RuntimeException e, ContainerRequestContext request) {
    if (e instanceof WebApplicationException w) {
      return web(w, request);
    }
    String id = java.util.UUID.randomUUID().toString();
    org.jboss.logging.Logger.getLogger(ApiExceptionMappers.class).errorf(e, "error %s", id);
    return json(
        500,
        ApiError.of(
            "internal error " + id,
            e.getClass().getSimpleName(),
            "nothing was changed by this request; retry, and report the error id if it persists"));
  }

  /**
   * The parser's reason and the field it stopped at (steps[0].tool); values at most quoted short.
   */
  private static String reason(JsonProcessingException e) {
    StringBuilder path = new StringBuilder();
    if (e instanceof JsonMappingException m) {
      for (JsonMappingException.Reference r : m.getPath()) {
        if (r.getFieldName() != null) {
          path.append(path.isEmpty() ? "" : ".").append(r.getFieldName());
        } else if (r.getIndex() >= 0) {
          path.append('[').append(r.getIndex()).append(']');
        }
      }
    }
    String why = CallerText.shown(e.getOriginalMessage(), 500);
    return path.isEmpty() ? why : "field " + CallerText.shown(path.toString(), 200) + ": " + why;
  }

  private static Response json(int status, ApiError body) {
    return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
  }
}
