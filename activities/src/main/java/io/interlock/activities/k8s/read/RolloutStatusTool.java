package io.interlock.activities.k8s.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.activities.k8s.Json;
import io.interlock.activities.k8s.Target;
import io.interlock.activities.k8s.Workloads;
import io.interlock.activities.tools.ArgsSchema;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.ReadTool;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;

/**
 * k8s.rollout-status: one look with kubectl's rollout-status rules plus pod evidence (no waiting).
 */
public final class RolloutStatusTool implements ReadTool {
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
    return "k8s.rollout-status";
  }

  @Override
  public String description() {
    return "Rollout state of a Deployment, StatefulSet or DaemonSet by kubectl rollout status rules, with pod"
        + " evidence (CrashLoopBackOff, ImagePullBackOff, restarts, not ready): status REACHED, PROGRESSING or FAILED.";
  }

  @Override
  public ArgsSchema schema() {
    return SCHEMA;
  }

  @Override
  public JsonNode read(ToolContext ctx, ToolArgs args) {
    Target t = Target.of(args, name(), Workloads.KINDS);
    JsonNode live = t.require(ctx.client());
    Observation o = Workloads.observe(ctx.client(), t, live);
    ObjectNode out = Json.object();
    out.put("target", t.toString());
    out.put("status", o.status().name());
    out.put("done", o.status() == Observation.Status.REACHED);
    var evidence = out.putArray("evidence");
    o.evidence().forEach(evidence::add);
    var warnings = out.putArray("warnings");
    o.warnings().forEach(warnings::add);
    return out;
  }
}
