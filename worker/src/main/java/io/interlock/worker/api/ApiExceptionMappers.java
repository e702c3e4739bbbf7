package io.interlock.worker.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
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

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    return json(status, ApiError.of(e.getMessage(), status == 404 ? "see /q/openapi for the API's paths" : "see /q/openapi"));
  }

  /** Anything unforeseen still answers JSON, with an id to find it in the log. */
  @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
  public Response unexpected(RuntimeException e) {
    if (e instanceof WebApplicationException w) {
      return web(w);
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
