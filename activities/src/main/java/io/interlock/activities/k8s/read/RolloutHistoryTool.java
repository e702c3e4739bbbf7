package io.interlock.activities.k8s.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.activities.k8s.Json;
import io.interlock.activities.k8s.Revisions;
import io.interlock.activities.k8s.Revisions.Revision;
import io.interlock.activities.k8s.Target;
import io.interlock.activities.k8s.Workloads;
import io.interlock.activities.tools.ArgsSchema;
import io.interlock.activities.tools.ReadTool;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import java.util.List;

/**
 * k8s.rollout-history: a workload's recorded revisions with their images (kubectl rollout history).
 */
public final class RolloutHistoryTool implements ReadTool {
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
          .name("name", true, "workload name");

  @Override
  public String name() {
    return "k8s.rollout-history";
  }

  @Override
  public String description() {
    return "Recorded revisions of a workload (kubectl rollout history): number, images, change-cause, and which"
        + " is current; the numbers k8s.rollout-undo's toRevision takes.";
  }

  @Override
  public ArgsSchema schema() {
    return SCHEMA;
  }

  @Override
  public JsonNode read(ToolContext ctx, ToolArgs args) {
    Target t = Target.of(args, name(), Workloads.KINDS);
    JsonNode live = t.require(ctx.client());
    List<Revision> revisions = Revisions.of(ctx.client(), t, live);
    long current = Revisions.current(live, revisions);
    ObjectNode out = Json.object();
    out.put("target", t.toString());
    out.put("currentRevision", current);
    ArrayNode rows = out.putArray("revisions");
    for (Revision r : revisions) {
      ObjectNode row = rows.addObject();
      row.put("revision", r.number());
      row.put("object", r.object());
      row.put("current", r.number() == current);
      if (r.changeCause() != null) {
        row.put("changeCause", r.changeCause());
      }
      ArrayNode images = row.putArray("images");
      if (r.template() != null) {
        r.template()
            .at("/spec/containers")
            .forEach(c -> images.add(c.path("name").asText() + "=" + c.path("image").asText()));
      }
    }
    return out;
  }
}
