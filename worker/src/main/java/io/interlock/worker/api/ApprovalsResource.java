package io.interlock.worker.api;

import io.interlock.contract.values.PendingApproval;
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
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

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

  public ApprovalsResource(
      PendingIndex pending, CurrentCaller caller, TaskReaders readers, BatchService batches) {
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
  public List<PendingView> list(@QueryParam("limit") @DefaultValue("10000") int limit) {
    String user = caller.get().isAgent() ? "" : caller.get().user();
    return readable(limit).stream().map(p -> PendingView.of(p, user)).toList();
  }

  @GET
  @Path("/summary")
  @Operation(
      summary =
          "The same list without diff, policy and callHash: what an inbox row shows, at about 40% of the bytes")
  public List<PendingSummary> summary(@QueryParam("limit") @DefaultValue("10000") int limit) {
    String user = caller.get().isAgent() ? "" : caller.get().user();
    return readable(limit).stream().map(p -> PendingSummary.of(p, user)).toList();
  }

  private List<PendingApproval> readable(int limit) {
    TaskReaders.ReadScope scope = readers.scopeOf(caller.get());
    return pending.list(Math.max(1, limit), p -> scope.covers(p.requester(), p.environment()));
  }
}
