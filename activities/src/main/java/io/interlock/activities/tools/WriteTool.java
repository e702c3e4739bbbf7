package io.interlock.activities.tools;

import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.values.Preview;
import io.interlock.contract.values.TargetRef;

/** A tool that changes the world. It only ever runs after the workflow's gate let it through. */
public interface WriteTool extends Tool {

  /** How the write is verified, in words (shown in the catalog). */
  String verification();

  /** Snapshot the target and compute the intended state; must not mutate anything. */
  Preview preview(ToolContext ctx, ToolArgs args);

  /**
   * Apply the change with the approved target's uid/resourceVersion as preconditions; capture the
   * before-state first. Throws {@code TARGET_CHANGED} rather than mutate a changed object.
   */
  Execution execute(ToolContext ctx, ToolArgs args, TargetRef approved);

  /**
   * Runs the approved write of the call with this hash. Tools that stamp their writes with it
   * recognise, on a retry, a first attempt whose answer was lost.
   */
  default Execution execute(ToolContext ctx, ToolArgs args, TargetRef approved, String callHash) {
    return execute(ctx, args, approved);
  }

  /** One observation of the real state against the intended one. */
  Observation observe(ToolContext ctx, ToolArgs args, Execution execution);

  /** Verification budget when the policy sets none (for workloads: progressDeadlineSeconds). */
  default long defaultBudgetSeconds(ToolContext ctx, ToolArgs args) {
    return 120;
  }

  /** The inverse call built from the captured before-state. */
  RollbackPlan rollback(ToolArgs args, Execution execution);
}
