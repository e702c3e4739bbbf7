package io.interlock.worker.api;

import io.interlock.worker.api.ApiModels.BatchRequest;
import io.interlock.worker.api.ApiModels.BatchResult;
import io.interlock.worker.api.ApiModels.PendingSummary;
import io.interlock.worker.api.ApiModels.PendingView;
import io.interlock.worker.auth.CurrentCaller;
import io.interlock.worker.inbox.PendingIndex;
import io.interlock.worker.tasks.BatchService;
import io.interlock.worker.tasks.TaskReaders;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Pending approvals across the tasks the caller may read, from the in-memory inbox (no visibility
 * queries).
 */
@Path("/api/approvals")
@Produces(MediaType.APPLICATION_JSON)
public class ApprovalsResource {
  private final PendingIndex pending;
  private final CurrentCaller caller;
  private final TaskReaders readers;
  private final BatchService batches;
  private final PendingListJson listJson;

  public ApprovalsResource(
      PendingIndex pending,
      CurrentCaller caller,
      TaskReaders readers,
      BatchService batches,
      PendingListJson listJson) {
    this.listJson = listJson;
    this.pending = pending;
    this.caller = caller;
    this.readers = readers;
    this.batches = batches;
  }

  @POST
  @Path("/batch")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary =
          "Approve or reject a chosen set of waiting steps in one act: one statement, one proof, sent to each task; the answer lists the outcome per step")
  public BatchResult batch(BatchRequest body) {
    return batches.decide(caller.get(), body);
  }

  @GET
  @Operation(
      summary =
          "Writes waiting for approval in tasks the caller may read, oldest first; canApprove says whether the caller may approve each")
  @APIResponse(
      responseCode = "200",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(type = SchemaType.ARRAY, implementation = PendingView.class)))
  public Response list(@QueryParam("limit") @DefaultValue("10000") int limit) {
    String user = caller.get().isAgent() ? "" : caller.get().user();
    return Response.ok(listJson.of(readable(limit), user), MediaType.APPLICATION_JSON_TYPE).build();
  }

  @GET
  @Path("/summary")
  @Operation(
      summary =
          "The same list without diff, policy and callHash: what an inbox row shows, at about 40% of the bytes")
  public List<PendingSummary> summary(@QueryParam("limit") @DefaultValue("10000") int limit) {
    String user = caller.get().isAgent() ? "" : caller.get().user();
    return readable(limit).stream().map(e -> PendingSummary.of(e.approval(), user)).toList();
  }

  private List<PendingIndex.Entry> readable(int limit) {
    TaskReaders.ReadScope scope = readers.scopeOf(caller.get());
    return pending.entries(Math.max(1, limit), p -> scope.covers(p.requester(), p.environment()));
  }
}
