package io.interlock.activities.k8s.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.activities.k8s.Target;
import io.interlock.activities.k8s.Workloads;
import io.interlock.activities.tools.ArgsSchema;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.commands.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * k8s.scale: sets spec.replicas with a resourceVersion precondition (never a blind /scale call).
 */
public final class ScaleTool extends WorkloadEditTool {
  private static final ArgsSchema SCHEMA =
      ArgsSchema.create()
          .oneOf("kind", false, "workload kind (default Deployment)", "Deployment", "StatefulSet")
          .namespace("namespace", false, "namespace (default 'default')")
          .name("name", true, "workload name")
          .integer("replicas", true, "desired replica count", 0, 1000);

  @Override
  public String name() {
    return "k8s.scale";
  }

  @Override
  public String description() {
    return "Set the replica count of a Deployment or StatefulSet. Previewed by server-side dry-run;"
        + " executed as an update guarded by the approved resourceVersion.";
  }

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
    return "spec.replicas equals the intended count and the workload is rolled out (kubectl rollout status rules, pod evidence)";
  }

  @Override
  protected List<String> kinds() {
    return Workloads.SCALABLE;
  }

  @Override
  protected JsonNode intended(Target target, JsonNode live, ToolArgs args) {
    ObjectNode o = copy(live);
    ((ObjectNode) o.get("spec")).put("replicas", args.integer("replicas"));
    return o;
  }

  @Override
  protected String summary(Target target, JsonNode live, JsonNode intended, ToolArgs args) {
    return "scale " + target + " replicas " + replicas(live) + " -> " + args.integer("replicas");
  }

  @Override
  protected List<String> warnings(Target target, JsonNode live, JsonNode intended, ToolArgs args) {
    List<String> w = new ArrayList<>();
    if (args.integer("replicas") == 0) {
      w.add("scales " + target + " to zero: it will serve nothing until scaled up");
    }
    return w;
  }

  @Override
  public Observation observe(ToolContext ctx, ToolArgs args, Execution execution) {
    Target t = target(args);
    JsonNode live = t.fetch(ctx.client());
    if (live == null) {
      return Observation.failed(t + " no longer exists");
    }
    int want = args.integer("replicas");
    if (replicas(live) != want) {
      return Observation.failed(
          t
              + " spec.replicas is "
              + replicas(live)
              + ", intended "
              + want
              + " (changed by someone else, or an autoscaler)");
    }
    return Workloads.observe(ctx.client(), t, live);
  }

  @Override
  public RollbackPlan rollback(ToolArgs args, Execution execution) {
    if (!capturedBefore(execution)) {
      return new RollbackPlan(null, "no complete before-state was captured");
    }
    Target t = target(args);
    int before = replicas(execution.before());
    return new RollbackPlan(
        new ToolCall(
            name(),
            Map.of(
                "kind",
                t.kind().name(),
                "namespace",
                t.namespace(),
                "name",
                t.name(),
                "replicas",
                before)),
        "scale " + t + " back to " + before + " replicas");
  }

  static int replicas(JsonNode workload) {
    JsonNode r = workload.at("/spec/replicas");
    return r.isMissingNode() || r.isNull() ? 1 : r.asInt();
  }
}
