package io.interlock.worker.auth;

import io.interlock.worker.config.InterlockConfig;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A process without the {@code api} role (an environment worker) serves no HTTP surface at all:
 * every request, web page included, is answered 404 before any resource runs.
 */
@ApplicationScoped
public class WorkerOnlyRole {
  void install(@Observes Router router, InterlockConfig config) {
    if (config.roles().contains(InterlockConfig.Role.api)) {
      return;
    }
    router
        .route()
        .order(Integer.MIN_VALUE)
        .handler(
            ctx ->
                ctx.response()
                    .setStatusCode(404)
                    .putHeader("Content-Type", "application/json")
                    .end(
                        "{\"error\":\"this process runs interlock.roles="
                            + config.roles()
                            + " without api: it serves no HTTP;"
                            + " use the API process's address\"}"));
  }
}
