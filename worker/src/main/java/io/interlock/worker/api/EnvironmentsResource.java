package io.interlock.worker.api;

import io.interlock.worker.api.ApiModels.Lock;
import io.interlock.worker.auth.CurrentCaller;
import io.interlock.worker.environments.EnvironmentService;
import io.interlock.worker.environments.EnvironmentService.EnvironmentView;
import io.interlock.workflows.lock.LockState;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Environments from the policy, with their run-time lock and freeze windows. */
@Path("/api/environments")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class EnvironmentsResource {
  private final EnvironmentService environments;
  private final CurrentCaller caller;

  public EnvironmentsResource(EnvironmentService environments, CurrentCaller caller) {
    this.environments = environments;
    this.caller = caller;
  }

  @GET
  @Operation(
      summary =
          "Every environment: cluster, allowed namespaces and tools, approvers, lock, freeze windows")
  public List<EnvironmentView> list() {
    return environments.list();
  }

  @GET
  @Path("/{env}")
  public EnvironmentView get(@PathParam("env") String env) {
    return environments.get(env);
  }

  @POST
  @Path("/{env}/lock")
  @Operation(
      summary =
          "Lock an environment (humans only): policy blocks its writes until unlocked or until 'until'")
  public LockState lock(@PathParam("env") String env, Lock body) {
    return environments.lock(
        caller.get(), env, body == null ? null : body.reason(), body == null ? null : body.until());
  }

  @DELETE
  @Path("/{env}/lock")
  @Consumes(MediaType.WILDCARD)
  @Operation(summary = "Unlock an environment (its approvers only)")
  public LockState unlock(@PathParam("env") String env, @QueryParam("reason") String reason) {
    return environments.unlock(caller.get(), env, reason);
  }
}
