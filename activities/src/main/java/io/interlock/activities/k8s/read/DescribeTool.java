package io.interlock.activities.k8s.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.interlock.activities.k8s.Bounded;
import io.interlock.activities.k8s.Json;
import io.interlock.activities.k8s.Kinds;
import io.interlock.activities.k8s.Manifests;
import io.interlock.activities.k8s.Redaction;
import io.interlock.activities.k8s.Target;
import io.interlock.activities.k8s.Workloads;
import io.interlock.activities.tools.ArgsSchema;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.ReadTool;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import java.util.List;

/**
 * k8s.describe: an object with its recent events and, for workloads, its pods and rollout state.
 */
public final class DescribeTool implements ReadTool {
  static final int EVENTS = 20;
  static final int PODS = 50;
  private static final ArgsSchema SCHEMA =
      ArgsSchema.create()
          .string("kind", true, "object kind, e.g. Deployment, Pod, Node")
          .namespace(
              "namespace", false, "namespace (default 'default'; ignored for cluster-scoped kinds)")
          .name("name", true, "object name");

  @Override
  public String name() {
    return "k8s.describe";
  }

  @Override
  public String description() {
    return "Describe one object (like kubectl describe): the object (Secret values redacted), its "
        + EVENTS
        + " most recent events, and for workloads the rollout state and up to "
        + PODS
        + " pods with readiness,"
        + " restarts and waiting reasons. Kinds: "
        + Kinds.names();
  }

  @Override
  public ArgsSchema schema() {
    return SCHEMA;
  }

  @Override
  public JsonNode read(ToolContext ctx, ToolArgs args) {
    Target t = Target.of(args);
    JsonNode live = t.require(ctx.client());
    ObjectNode out = Json.object();
    out.set("object", Redaction.redact(Manifests.forAudit(live), t.kind().name()));
    if (t.namespace() != null) {
      var events = Events.of(ctx.client(), t.namespace(), t.kind().name(), t.name());
      out.set("events", Events.rows(events, EVENTS));
      if (events.size() > EVENTS) {
        out.put(
            "eventsTruncated",
            "showing " + EVENTS + " of " + events.size() + " events; use k8s.events for more");
      }
    }
    if (t.kind().workload()) {
      Observation o = Workloads.observe(ctx.client(), t, live);
      ObjectNode rollout = out.putObject("rollout");
      rollout.put("status", o.status().name());
      ArrayNode ev = rollout.putArray("evidence");
      o.evidence().forEach(ev::add);
      ArrayNode warn = rollout.putArray("warnings");
      o.warnings().forEach(warn::add);
      out.set("pods", pods(Workloads.selectedPods(ctx.client(), t, live), out));
    }
    return Bounded.cap(
        out, "use k8s.get for the object alone, k8s.events or k8s.list for the rest");
  }

  static ArrayNode pods(List<Pod> pods, ObjectNode out) {
    ArrayNode rows = Json.NODES.arrayNode();
    for (Pod p : pods.subList(0, Math.min(PODS, pods.size()))) {
      ObjectNode r = rows.addObject();
      r.put("name", p.getMetadata().getName());
      r.put("phase", p.getStatus() == null ? null : p.getStatus().getPhase());
      r.put("node", p.getSpec() == null ? null : p.getSpec().getNodeName());
      int restarts = 0;
      boolean ready =
          p.getStatus() != null
              && p.getStatus().getConditions() != null
              && p.getStatus().getConditions().stream()
                  .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      r.put("ready", ready);
      if (p.getStatus() != null && p.getStatus().getContainerStatuses() != null) {
        for (ContainerStatus c : p.getStatus().getContainerStatuses()) {
          restarts += c.getRestartCount() == null ? 0 : c.getRestartCount();
          if (c.getState() != null && c.getState().getWaiting() != null) {
            r.put("waiting", c.getName() + ": " + c.getState().getWaiting().getReason());
          }
        }
      }
      r.put("restarts", restarts);
    }
    if (pods.size() > PODS) {
      out.put(
          "podsTruncated",
          "showing "
              + PODS
              + " of "
              + pods.size()
              + " pods; use k8s.list kind=Pod with a labelSelector");
    }
    return rows;
  }
}
