package io.interlock.activities.k8s.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.activities.k8s.Target;
import io.interlock.activities.tools.ArgsSchema;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.commands.ToolCall;
import java.util.List;
import java.util.Map;

/**
 * k8s.cordon and k8s.uncordon: set a Node's spec.unschedulable (evicts nothing, like kubectl
 * cordon).
 */
public abstract class NodeScheduling extends EditTool {
  private static final ArgsSchema SCHEMA = ArgsSchema.create().name("name", true, "node name");

  /** The value of spec.unschedulable this tool sets. */
  protected abstract boolean unschedulable();

  protected abstract String inverse();

  @Override
  public ArgsSchema schema() {
    return SCHEMA;
  }

  @Override
  public boolean idempotent() {
    return true;
  }

  @Override
  public String verification() {
    return "the Node's spec.unschedulable is " + unschedulable();
  }

  @Override
  protected List<String> kinds() {
    return List.of("Node");
  }

  @Override
  protected Target target(ToolArgs args) {
    return new Target(io.interlock.activities.k8s.Kinds.of("Node"), null, args.string("name"));
  }

  @Override
  protected JsonNode intended(Target target, JsonNode live, ToolArgs args) {
    ObjectNode o = copy(live);
    ObjectNode spec = o.has("spec") ? (ObjectNode) o.get("spec") : o.putObject("spec");
    if (unschedulable()) {
      spec.put("unschedulable", true);
    } else {
      spec.remove("unschedulable");
    }
    return o;
  }

  @Override
  protected String summary(Target target, JsonNode live, JsonNode intended, ToolArgs args) {
    return (unschedulable() ? "cordon " : "uncordon ")
        + target
        + " (spec.unschedulable "
        + live.at("/spec/unschedulable").asBoolean(false)
        + " -> "
        + unschedulable()
        + ")";
  }

  @Override
  public Observation observe(ToolContext ctx, ToolArgs args, Execution execution) {
    Target t = target(args);
    JsonNode live = t.fetch(ctx.client());
    if (live == null) {
      return Observation.failed(t + " no longer exists");
    }
    boolean now = live.at("/spec/unschedulable").asBoolean(false);
    return now == unschedulable()
        ? Observation.reached(t + " spec.unschedulable is " + now)
        : Observation.failed(t + " spec.unschedulable is " + now + ", intended " + unschedulable());
  }

  @Override
  public long defaultBudgetSeconds(ToolContext ctx, ToolArgs args) {
    return 60;
  }

  @Override
  public RollbackPlan rollback(ToolArgs args, Execution execution) {
    if (!capturedBefore(execution)) {
      return new RollbackPlan(null, "no complete before-state was captured");
    }
    boolean was = execution.before().at("/spec/unschedulable").asBoolean(false);
    if (was == unschedulable()) {
      return new RollbackPlan(
          null, "the node was already " + (was ? "cordoned" : "schedulable") + "; nothing to undo");
    }
    return new RollbackPlan(
        new ToolCall(inverse(), Map.of("name", args.string("name"))),
        inverse().substring(4) + " node " + args.string("name") + " again");
  }
}
