package io.interlock.worker.auth;

import io.interlock.worker.api.ApiError;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/** Every /api request needs {@code Authorization: Bearer <token>}; anything else gets 401. */
@Provider
public class BearerTokenFilter implements ContainerRequestFilter {
  private final TokenAuthenticator authenticator;
  private final CurrentCaller current;

  public BearerTokenFilter(TokenAuthenticator authenticator, CurrentCaller current) {
    this.authenticator = authenticator;
    this.current = current;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (!path.startsWith("/api/") && !path.equals("/api")) {
      return;
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      request.abortWith(
          unauthorized(
              "authentication required",
              "every /api request names its caller by a bearer token",
              "send 'Authorization: Bearer <token>' (dev tokens are printed by the dev server)"));
      return;
    }
    authenticator
        .authenticate(header.substring(7).trim())
        .ifPresentOrElse(
            current::set,
            () ->
                request.abortWith(
                    unauthorized(
                        "unknown token",
                        "the bearer token is not one this server knows",
                        "check the token; dev mode prints the valid ones, production uses your OIDC login")));
  }

  private static Response unauthorized(String error, String why, String next) {
    return Response.status(Response.Status.UNAUTHORIZED)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"interlock\"")
        .type(MediaType.APPLICATION_JSON)
        .entity(ApiError.of(error, why, next))
        .build();
  }
}
