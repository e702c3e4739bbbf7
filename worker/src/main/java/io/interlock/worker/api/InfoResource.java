package io.interlock.worker.api;

import io.interlock.worker.config.InterlockConfig;
import io.interlock.worker.environments.PolicyView;
import io.interlock.worker.temporal.TemporalConnection;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** Where this server's Temporal is and what it serves, so clients can print exact commands. */
@Path("/api/info")
@Produces(MediaType.APPLICATION_JSON)
public class InfoResource {
  private final InterlockConfig config;
  private final TemporalConnection temporal;
  private final PolicyView policy;

  public InfoResource(InterlockConfig config, TemporalConnection temporal, PolicyView policy) {
    this.config = config;
    this.temporal = temporal;
    this.policy = policy;
  }

  /** Server facts. */
  public record Info(
      String mode,
      Map<String, String> temporal,
      String policySource,
      String policyVersion,
      List<String> environmentsServed) {}

  @GET
  public Info info() {
    return new Info(
        config.mode().name(),
        Map.of("target", temporal.target(), "namespace", config.temporal().namespace()),
        policy.file().source(),
        policy.file().version(),
        policy.served());
  }
}
