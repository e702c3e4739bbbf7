package io.interlock.worker.api;

import jakarta.ws.rs.core.Response;

/** An answer other than success, with its HTTP status and JSON body. */
public class ApiException extends RuntimeException {
  private final Response.Status status;
  private final ApiError body;

  public ApiException(Response.Status status, ApiError body) {
    super(body.error());
    this.status = status;
    this.body = body;
  }

  public static ApiException notFound(String error, String why, String next) {
    return new ApiException(Response.Status.NOT_FOUND, ApiError.of(error, why, next));
  }

  public static ApiException badRequest(String error, String why, String next) {
    return new ApiException(Response.Status.BAD_REQUEST, ApiError.of(error, why, next));
  }

  public static ApiException forbidden(String error, String why, String next) {
    return new ApiException(Response.Status.FORBIDDEN, ApiError.of(error, why, next));
  }

  public static ApiException conflict(String error, String why, String next) {
    return new ApiException(Response.Status.CONFLICT, ApiError.of(error, why, next));
  }

  public static ApiException tooMany(String error, String why, String next) {
    return new ApiException(Response.Status.TOO_MANY_REQUESTS, ApiError.of(error, why, next));
  }

  public static ApiException unavailable(String error, String why, String next) {
    return new ApiException(Response.Status.SERVICE_UNAVAILABLE, ApiError.of(error, why, next));
  }

  public Response.Status status() {
    return status;
  }

  public ApiError body() {
    return body;
  }
}
