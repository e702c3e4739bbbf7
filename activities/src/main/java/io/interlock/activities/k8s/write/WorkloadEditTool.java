package io.interlock.activities.k8s.write;

import io.interlock.activities.k8s.Workloads;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;

/**
 * An edit of a Deployment, StatefulSet or DaemonSet: verified within the workload's own progress
 * deadline.
 */
public abstract class WorkloadEditTool extends EditTool {

  @Override
  public long defaultBudgetSeconds(ToolContext ctx, ToolArgs args) {
    return Workloads.progressDeadlineSeconds(target(args).fetch(ctx.client()));
  }
}
