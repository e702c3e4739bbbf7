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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** k8s.set-image: changes one container's image in a workload's pod template. */
public final class SetImageTool extends WorkloadEditTool {
  private static final ArgsSchema SCHEMA =
      ArgsSchema.create()
          .oneOf(
              "kind",
              false,
              "workload kind (default Deployment)",
              "Deployment",
              "StatefulSet",
              "DaemonSet")
          .namespace("namespace", false, "namespace (default 'default')")
          .name("name", true, "workload name")
          .string(
              "container",
              false,
              "container name; optional when the pod template has one container")
          .string("image", true, "the new image, e.g. registry/app:1.2.3");

  @Override
  public String name() {
    return "k8s.set-image";
  }

  @Override
  public String description() {
    return "Set the image of one container of a Deployment, StatefulSet or DaemonSet (like kubectl set image),"
        + " which starts a rollout. Guarded by the approved resourceVersion.";
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
    return "the pod template runs the intended image and the rollout completed (kubectl rollout status rules);"
        + " CrashLoopBackOff/ImagePullBackOff pods fail it, restarts lower confidence";
  }

  @Override
  protected List<String> kinds() {
    return Workloads.KINDS;
  }

  @Override
  protected JsonNode intended(Target target, JsonNode live, ToolArgs args) {
    ObjectNode o = copy(live);
    Workloads.container(o, args.string("container", null), target.toString())
        .put("image", args.string("image"));
    return o;
  }

  @Override
  protected String summary(Target target, JsonNode live, JsonNode intended, ToolArgs args) {
    ObjectNode c = Workloads.container(live, args.string("container", null), target.toString());
    return "set-image "
        + target
        + " container "
        + c.path("name").asText()
        + " "
        + c.path("image").asText()
        + " -> "
        + args.string("image");
  }

  @Override
  public Observation observe(ToolContext ctx, ToolArgs args, Execution execution) {
    Target t = target(args);
    JsonNode live = t.fetch(ctx.client());
    if (live == null) {
      return Observation.failed(t + " no longer exists");
    }
    ObjectNode c = Workloads.container(live, args.string("container", null), t.toString());
    if (!args.string("image").equals(c.path("image").asText())) {
      return Observation.failed(
          t
              + " container "
              + c.path("name").asText()
              + " runs "
              + c.path("image").asText()
              + ", intended "
              + args.string("image")
              + " (changed by someone else?)");
    }
    return Workloads.observe(ctx.client(), t, live);
  }

  @Override
  public RollbackPlan rollback(ToolArgs args, Execution execution) {
    if (!capturedBefore(execution)) {
      return new RollbackPlan(null, "no complete before-state was captured");
    }
    Target t = target(args);
    ObjectNode c =
        Workloads.container(execution.before(), args.string("container", null), t.toString());
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("kind", t.kind().name());
    a.put("namespace", t.namespace());
    a.put("name", t.name());
    a.put("container", c.path("name").asText());
    a.put("image", c.path("image").asText());
    return new RollbackPlan(
        new ToolCall(name(), a),
        "set "
            + t
            + " container "
            + c.path("name").asText()
            + " back to "
            + c.path("image").asText());
  }
}
