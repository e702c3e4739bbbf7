package io.interlock.activities.k8s.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.activities.k8s.Json;
import io.interlock.activities.k8s.Kinds;
import io.interlock.activities.k8s.Manifests;
import io.interlock.activities.k8s.SecretValues;
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
import io.interlock.contract.values.SecretRef;
import io.interlock.contract.values.TargetRef;
import io.interlock.workflows.SecretLiterals;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * k8s.patch: a JSON merge patch (RFC 7386: objects merge, lists are replaced, null deletes),
 * applied to the approved object and written with its resourceVersion as precondition.
 */
public final class PatchTool extends EditTool {
  private static final List<String> IDENTITY = List.of("apiVersion", "kind");
  private static final ArgsSchema SCHEMA =
      ArgsSchema.create()
          .string("kind", true, "object kind, e.g. Deployment, ConfigMap, Service")
          .namespace(
              "namespace", false, "namespace (default 'default'; ignored for cluster-scoped kinds)")
          .name("name", true, "object name")
          .object(
              "patch",
              true,
              "JSON merge patch (RFC 7386), e.g. {\"spec\":{\"minReadySeconds\":10}}; lists are replaced whole,"
                  + " null deletes a field; a Secret's data/stringData values are references "
                  + SecretRef.SHAPE)
          // Checked before anything runs: the kind, the patch's shape, and a Secret's values by
          // reference.
          .rule(
              args -> {
                checkPatch(Target.of(args), args);
                return List.of();
              });

  @Override
  public String name() {
    return "k8s.patch";
  }

  @Override
  public String description() {
    return "Change fields of one object with a JSON merge patch, guarded by the approved resourceVersion."
        + " Kinds: "
        + Kinds.names();
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
    return "every patched field holds its patched value; a patched workload is also rolled out";
  }

  @Override
  protected List<String> kinds() {
    return List.copyOf(Kinds.names());
  }

  @Override
  protected Target target(ToolArgs args) {
    return Target.of(args);
  }

  /** For a Secret: the patch, given as an object, with references only; INVALID_ARGS otherwise. */
  private static void checkPatch(Target t, ToolArgs args) {
    JsonNode p = patch(args);
    if (t.kind().is("Secret")) {
      if (args.values().get("patch") instanceof String) {
        throw new ToolException(
            FailureType.INVALID_ARGS,
            "args.patch: the patch of a Secret is given as a JSON object (its"
                + " values as references "
                + SecretRef.SHAPE
                + "), not as text (rule "
                + SecretLiterals.RULE
                + ")");
      }
      SecretValues.requireReferences(p, "args.patch");
    }
  }

  /**
   * The patch to send: a Secret's references replaced by their values (read by this worker only).
   */
  private static SecretValues.Resolved withValues(ToolContext ctx, Target t, ToolArgs args) {
    JsonNode p = patch(args);
    return t.kind().is("Secret")
        ? SecretValues.resolve((ObjectNode) p, "args.patch", ctx)
        : new SecretValues.Resolved((ObjectNode) p, Map.of(), List.of());
  }

  /** The same call with its patch replaced. */
  private static ToolArgs withPatch(ToolArgs args, ObjectNode patch) {
    Map<String, Object> a = new LinkedHashMap<>(args.values());
    a.put("patch", Json.MAPPER.convertValue(patch, Map.class));
    return new ToolArgs(a);
  }

  @Override
  public Preview preview(ToolContext ctx, ToolArgs args) {
    Target t = target(args);
    SecretValues.Resolved body = withValues(ctx, t, args);
    Preview p = super.preview(ctx, withPatch(args, body.object()));
    List<String> warnings = new ArrayList<>(body.notes());
    warnings.addAll(p.warnings());
    return new Preview(
        p.target().withSources(body.sources()),
        p.summary(),
        p.diff(),
        p.dryRun(),
        p.intended(),
        warnings);
  }

  @Override
  public Execution execute(ToolContext ctx, ToolArgs args, TargetRef approved, String callHash) {
    Target t = target(args);
    SecretValues.Resolved body = withValues(ctx, t, args);
    // A value read again from its store must be the one the approvers' digest bound.
    t.checkSources(approved, body.sources());
    return super.execute(ctx, withPatch(args, body.object()), approved, callHash);
  }

  static JsonNode patch(ToolArgs args) {
    JsonNode p = args.object("patch");
    if (!p.isObject() || p.isEmpty()) {
      throw new ToolException(
          FailureType.INVALID_ARGS, "args.patch: must be a non-empty object (a JSON merge patch)");
    }
    for (String field : IDENTITY) {
      if (p.has(field)) {
        throw new ToolException(
            FailureType.INVALID_ARGS,
            "args.patch." + field + ": the object's identity cannot be patched");
      }
    }
    JsonNode md = p.path("metadata");
    for (String field : List.of("name", "namespace", "uid", "resourceVersion")) {
      if (md.has(field)) {
        throw new ToolException(
            FailureType.INVALID_ARGS, "args.patch.metadata." + field + ": cannot be patched");
      }
    }
    if (p.has("status")) {
      throw new ToolException(
          FailureType.INVALID_ARGS, "args.patch.status: status belongs to the controllers");
    }
    return p;
  }

  @Override
  protected JsonNode intended(Target target, JsonNode live, ToolArgs args) {
    return Manifests.mergePatch(live, patch(args));
  }

  @Override
  protected String summary(Target target, JsonNode live, JsonNode intended, ToolArgs args) {
    List<String> fields = new ArrayList<>();
    leaves(patch(args), "", fields);
    return "patch "
        + target
        + " "
        + String.join(", ", fields.subList(0, Math.min(fields.size(), 5)))
        + (fields.size() > 5 ? " and " + (fields.size() - 5) + " more fields" : "");
  }

  private static void leaves(JsonNode n, String path, List<String> out) {
    if (n.isObject() && !n.isEmpty()) {
      n.fields()
          .forEachRemaining(
              e ->
                  leaves(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out));
    } else {
      out.add(path);
    }
  }

  @Override
  public Observation observe(ToolContext ctx, ToolArgs args, Execution execution) {
    Target t = target(args);
    JsonNode live = t.fetch(ctx.client());
    if (live == null) {
      return Observation.failed(t + " no longer exists");
    }
    JsonNode patch = withValues(ctx, t, args).asStored();
    JsonNode want = Manifests.mergePatch(live, patch);
    List<String> diffs = Manifests.mismatches(strippedNulls(patch, want), live, t.kind().name());
    if (!diffs.isEmpty()) {
      return Observation.failed(
          t.kind().is("Secret")
              ? List.of(t + " patched fields differ").toArray(String[]::new)
              : diffs.toArray(String[]::new));
    }
    if (t.kind().workload()) {
      Observation rollout = Workloads.observe(ctx.client(), t, live);
      List<String> evidence = new ArrayList<>(List.of(t + " holds the patched fields"));
      evidence.addAll(rollout.evidence());
      return new Observation(rollout.status(), evidence, rollout.warnings());
    }
    return Observation.reached(t + " holds the patched fields");
  }

  /** The patch's fields with their intended values; deletions (null) are checked as absent. */
  private static JsonNode strippedNulls(JsonNode patch, JsonNode want) {
    if (!patch.isObject()) {
      return want;
    }
    var out = Json.object();
    patch
        .fields()
        .forEachRemaining(
            e ->
                out.set(
                    e.getKey(),
                    e.getValue().isNull()
                        ? e.getValue()
                        : strippedNulls(e.getValue(), want.path(e.getKey()))));
    return out;
  }

  @Override
  public long defaultBudgetSeconds(ToolContext ctx, ToolArgs args) {
    Target t = target(args);
    return t.kind().workload() ? Workloads.progressDeadlineSeconds(t.fetch(ctx.client())) : 60;
  }

  @Override
  public RollbackPlan rollback(ToolArgs args, Execution execution) {
    Target t = target(args);
    if (!capturedBefore(execution)) {
      return new RollbackPlan(null, "no complete before-state was captured");
    }
    JsonNode p = patch(args);
    if (t.kind().is("Secret") && (p.has("data") || p.has("stringData"))) {
      return new RollbackPlan(
          null,
          "Secret values are never captured, so the previous values of "
              + t
              + " cannot be restored by the engine");
    }
    JsonNode inverse = Manifests.inverseMergePatch(execution.before(), p);
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("kind", t.kind().name());
    if (t.namespace() != null) {
      a.put("namespace", t.namespace());
    }
    a.put("name", t.name());
    a.put("patch", Json.MAPPER.convertValue(inverse, Map.class));
    return new RollbackPlan(
        new ToolCall(name(), a), "patch " + t + " back to the before values of the patched fields");
  }
}
