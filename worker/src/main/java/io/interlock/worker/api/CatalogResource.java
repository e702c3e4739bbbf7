package io.interlock.worker.api;

import io.interlock.contract.values.ToolSpec;
import io.interlock.worker.temporal.WorkerBootstrap;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The tool catalog: name, effect (from the registry, never the request), flags, argument schema.
 */
@Path("/api/catalog")
@Produces(MediaType.APPLICATION_JSON)
public class CatalogResource {
  private final WorkerBootstrap workers;

  public CatalogResource(WorkerBootstrap workers) {
    this.workers = workers;
  }

  @GET
  @Operation(summary = "Every tool this worker can run")
  public List<ToolSpec> catalog() {
    return workers.registry().catalog();
  }
}
