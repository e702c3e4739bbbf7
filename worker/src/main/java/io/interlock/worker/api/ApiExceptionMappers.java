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

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    return json(status, ApiError.of(e.getMessage(), status == 404 ? "see /q/openapi for the API's paths" : "see /q/openapi"));
  }

  private static Response json(int status, ApiError body) {
    return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
  }
}
