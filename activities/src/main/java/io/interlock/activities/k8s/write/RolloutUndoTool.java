package io.interlock.activities.k8s.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.activities.k8s.ContentHash;
import io.interlock.activities.k8s.Manifests;
import io.interlock.activities.k8s.Revisions;
import io.interlock.activities.k8s.Revisions.Revision;
import io.interlock.activities.k8s.Target;
import io.interlock.activities.k8s.Workloads;
import io.interlock.activities.tools.ArgsSchema;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.Preview;
import io.interlock.contract.values.TargetRef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * k8s.rollout-undo: like kubectl, copies the pod template recorded by an earlier revision (a
 * Deployment's ReplicaSet, a StatefulSet's or DaemonSet's ControllerRevision) into the workload.
 */
public final class RolloutUndoTool extends WorkloadEditTool {
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
          .integer(
              "toRevision",
              false,
              "revision to return to (default: the one before the current)",
              0,
              Integer.MAX_VALUE);

  /** Computed in preview and execute alike, so both act on the same revision. */
  private final ThreadLocal<Revision> chosen = new ThreadLocal<>();

  @Override
  public String name() {
    return "k8s.rollout-undo";
  }

  @Override
  public String description() {
    return "Roll a workload back to an earlier revision's pod template (kubectl rollout undo), default the"
        + " previous one; guarded by the approved resourceVersion. See k8s.rollout-history for revisions.";
  }

  @Override
  public ArgsSchema schema() {
    return SCHEMA;
  }

  @Override
  public boolean destructive() {
    return true;
  }

  @Override
  public String verification() {
    return "the pod template equals the chosen revision's and the rollout completed (kubectl rollout status rules)";
  }

  @Override
  protected List<String> kinds() {
    return Workloads.KINDS;
  }

  /** The revision this call returns to, read from the cluster's recorded revisions. */
  static Revision choose(List<Revision> revisions, long current, int toRevision, Target t) {
    if (toRevision > 0) {
      return revisions.stream()
          .filter(r -> r.number() == toRevision)
          .findFirst()
          .orElseThrow(
              () ->
                  new ToolException(
                      FailureType.NOT_FOUND,
                      "unable to find the specified revision "
                          + toRevision
                          + " of "
                          + t
                          + "; it has revisions "
                          + revisions.stream().map(Revision::number).toList()));
    }
    return revisions.stream()
        .filter(r -> r.number() < current)
        .reduce((a, b) -> b)
        .orElseThrow(
            () ->
                new ToolException(
                    FailureType.NOT_FOUND,
                    "no rollout history found for " + t + " before revision " + current));
  }

  /** What the approval binds besides the workload: the chosen revision's template, by digest. */
  static Map<String, String> sources(Revision r) {
    return Map.of("revision " + r.number() + " template", ContentHash.digest(r.template()));
  }

  @Override
  public Preview preview(ToolContext ctx, ToolArgs args) {
    Target t = target(args);
    select(ctx, t, t.require(ctx.client()), args);
    try {
      Preview p = super.preview(ctx, args);
      return new Preview(
          p.target().withSources(sources(chosen.get())),
          p.summary(),
          p.diff(),
          p.dryRun(),
          p.intended(),
          p.warnings());
    } finally {
      chosen.remove();
    }
  }

  @Override
  public Execution execute(ToolContext ctx, ToolArgs args, TargetRef approved, String callHash) {
    Target t = target(args);
    JsonNode live = t.fetch(ctx.client());
    t.checkUnchanged(approved, live, ctx.digestKey());
    long from = select(ctx, t, live, args);
    try {
      // The revision is read again here: its template must be the one the approvers saw.
      t.checkSources(approved, sources(chosen.get()));
      Execution e = super.execute(ctx, args, approved, callHash);
      ObjectNode result = (ObjectNode) e.result();
      result.put("fromRevision", from);
      result.put("toRevision", chosen.get().number());
      return e;
    } finally {
      chosen.remove();
    }
  }

  private long select(ToolContext ctx, Target t, JsonNode live, ToolArgs args) {
    if (live.at("/spec/paused").asBoolean(false)) {
      throw new ToolException(
          FailureType.INVALID_ARGS, "cannot roll back a paused " + t + "; resume it first");
    }
    List<Revision> revisions = Revisions.of(ctx.client(), t, live);
    long current = Revisions.current(live, revisions);
    Revision r = choose(revisions, current, args.integer("toRevision", 0), t);
    if (r.template() == null) {
      throw new ToolException(
          FailureType.NOT_FOUND,
          "revision " + r.number() + " of " + t + " records no pod template");
    }
    if (Manifests.mismatches(r.template(), live.at("/spec/template"), "template").isEmpty()
        && Manifests.mismatches(live.at("/spec/template"), r.template(), "template").isEmpty()) {
      throw new ToolException(
          FailureType.INVALID_ARGS,
          "skipped rollback: the current template of "
              + t
              + " already matches revision "
              + r.number());
    }
    chosen.set(r);
    return current;
  }

  @Override
  protected JsonNode intended(Target target, JsonNode live, ToolArgs args) {
    ObjectNode o = copy(live);
    ((ObjectNode) o.get("spec")).set("template", chosen.get().template().deepCopy());
    return o;
  }

  @Override
  protected String summary(Target target, JsonNode live, JsonNode intended, ToolArgs args) {
    return "rollout-undo "
        + target
        + " to revision "
        + chosen.get().number()
        + " (images "
        + Workloads.images(live).values()
        + " -> "
        + Workloads.images(intended).values()
        + ")";
  }

  @Override
  public Observation observe(ToolContext ctx, ToolArgs args, Execution execution) {
    Target t = target(args);
    JsonNode live = t.fetch(ctx.client());
    if (live == null) {
      return Observation.failed(t + " no longer exists");
    }
    if (execution != null && execution.after() != null) {
      List<String> diffs =
          Manifests.mismatches(
              execution.after().at("/spec/template"), live.at("/spec/template"), "template");
      if (!diffs.isEmpty()) {
        return Observation.failed((t + " template changed since the undo: " + diffs.get(0)));
      }
    }
    return Workloads.observe(ctx.client(), t, live);
  }

  @Override
  public RollbackPlan rollback(ToolArgs args, Execution execution) {
    if (execution == null
        || execution.result() == null
        || !execution.result().has("fromRevision")) {
      return new RollbackPlan(null, "the revision before the undo was not recorded");
    }
    Target t = target(args);
    long from = execution.result().path("fromRevision").asLong();
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("kind", t.kind().name());
    a.put("namespace", t.namespace());
    a.put("name", t.name());
    a.put("toRevision", (int) from);
    return new RollbackPlan(
        new ToolCall(name(), a), "roll " + t + " forward again to revision " + from);
  }
}
