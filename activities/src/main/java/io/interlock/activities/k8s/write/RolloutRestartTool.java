package io.interlock.activities.k8s.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.activities.k8s.Json;
import io.interlock.activities.k8s.Target;
import io.interlock.activities.k8s.Workloads;
import io.interlock.activities.tools.ArgsSchema;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.RollbackPlan;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** k8s.rollout-restart: stamps the pod template like kubectl, so every pod is replaced. */
public final class RolloutRestartTool extends WorkloadEditTool {
  public static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
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
    return "k8s.rollout-restart";
  }

  @Override
  public String description() {
    return "Restart a workload's pods by a rolling update (kubectl rollout restart): sets the pod template"
        + " annotation "
        + RESTARTED_AT
        + ", guarded by the approved resourceVersion.";
  }

  @Override
  public ArgsSchema schema() {
    return SCHEMA;
  }

  @Override
  public String verification() {
    return "the template carries the new restartedAt stamp and the rollout completed (kubectl rollout status rules)";
  }

  @Override
  protected List<String> kinds() {
    return Workloads.KINDS;
  }

  @Override
  protected JsonNode intended(Target target, JsonNode live, ToolArgs args) {
    ObjectNode o = copy(live);
    ObjectNode template = (ObjectNode) o.at("/spec/template");
    ObjectNode md =
        template.has("metadata")
            ? (ObjectNode) template.get("metadata")
            : template.putObject("metadata");
    ObjectNode ann =
        md.has("annotations") ? (ObjectNode) md.get("annotations") : md.putObject("annotations");
    ann.put(RESTARTED_AT, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    return o;
  }

  @Override
  protected String summary(Target target, JsonNode live, JsonNode intended, ToolArgs args) {
    return "rollout-restart " + target + ": replace every pod by a rolling update";
  }

  @Override
  protected List<String> warnings(Target target, JsonNode live, JsonNode intended, ToolArgs args) {
    return List.of(
        "every pod of " + target + " is replaced; capacity dips as the rollout proceeds");
  }

  @Override
  public Observation observe(ToolContext ctx, ToolArgs args, Execution execution) {
    Target t = target(args);
    JsonNode live = t.fetch(ctx.client());
    if (live == null) {
      return Observation.failed(t + " no longer exists");
    }
    String stamp =
        execution == null
            ? null
            : Json.at(
                execution.after(),
                "/spec/template/metadata/annotations/" + RESTARTED_AT.replace("/", "~1"));
    String now =
        Json.at(live, "/spec/template/metadata/annotations/" + RESTARTED_AT.replace("/", "~1"));
    if (stamp != null && !stamp.equals(now)) {
      return Observation.failed(
          t
              + " template restartedAt is "
              + now
              + ", intended "
              + stamp
              + " (changed by someone else?)");
    }
    return Workloads.observe(ctx.client(), t, live);
  }

  @Override
  public RollbackPlan rollback(ToolArgs args, Execution execution) {
    return new RollbackPlan(
        null,
        "a restart replaced pods with the same template; there is nothing to undo"
            + " (if the new pods fail, diagnose them, or use k8s.rollout-undo to return to an older revision)");
  }
}
