package io.interlock.worker.api;

import io.interlock.worker.api.ApiModels.Me;
import io.interlock.worker.auth.Caller;
import io.interlock.worker.auth.CurrentCaller;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Who the token belongs to. */
@Path("/api/me")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {
  private final CurrentCaller caller;

  public MeResource(CurrentCaller caller) {
    this.caller = caller;
  }

  @GET
  public Me me() {
    Caller c = caller.get();
    return new Me(c.user(), c.kind(), c.groups());
  }
}
