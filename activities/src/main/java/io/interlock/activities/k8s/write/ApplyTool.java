package io.interlock.activities.k8s.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.interlock.activities.k8s.ApiErrors;
import io.interlock.activities.k8s.ApiRequests;
import io.interlock.activities.k8s.Bounded;
import io.interlock.activities.k8s.Json;
import io.interlock.activities.k8s.Manifests;
import io.interlock.activities.k8s.OwnWrite;
import io.interlock.activities.k8s.SecretValues;
import io.interlock.activities.k8s.Target;
import io.interlock.activities.k8s.Workloads;
import io.interlock.activities.k8s.Writes;
import io.interlock.activities.k8s.YamlDiff;
import io.interlock.activities.tools.ArgsSchema;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import io.interlock.activities.tools.ToolException;
import io.interlock.activities.tools.WriteTool;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.Preview;
import io.interlock.contract.values.SecretRef;
import io.interlock.contract.values.TargetRef;
import io.interlock.workflows.SecretLiterals;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** k8s.apply: server-side apply of one object as field manager {@value #FIELD_MANAGER}. */
public final class ApplyTool implements WriteTool {
  public static final String FIELD_MANAGER = OwnWrite.FIELD_MANAGER;
  private static final Pattern SECOND_DOCUMENT = Pattern.compile("(?m)^---\\s*$\\s*\\S");
  private static final ArgsSchema SCHEMA =
      ArgsSchema.create()
          .object(
              "manifest",
              true,
              "one Kubernetes object, as a JSON object or a YAML/JSON string; a Secret is a JSON"
                  + " object whose data/stringData values are references "
                  + SecretRef.SHAPE)
          .bool(
              "forceConflicts",
              "take ownership of fields another manager owns (default false: a conflict fails the call)")
          // The manifest's names become the request path: checked before anything runs.
          .rule(
              args -> {
                manifest(args);
                return List.of();
              });

  @Override
  public String name() {
    return "k8s.apply";
  }

  @Override
  public String description() {
    return "Create or update one object by server-side apply (field manager 'interlock'); conflicts with"
        + " other managers fail unless forceConflicts is approved; an update carries the approved resourceVersion.";
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
    return "the object exists with the intended fields; a workload is also rolled out (kubectl rollout status rules)";
  }

  /**
   * The manifest argument, checked: one object of a known kind, valid names, a Secret's values by
   * reference.
   */
  static ObjectNode manifest(ToolArgs args) {
    Object raw = args.values().get("manifest");
    if (raw instanceof String s && SECOND_DOCUMENT.matcher(s).find()) {
      throw new ToolException(
          FailureType.INVALID_ARGS,
          "args.manifest: one object per call; propose one k8s.apply per document");
    }
    ObjectNode m = Manifests.requireObject(args.object("manifest"), "manifest").deepCopy();
    Manifests.requireValidNames(m, "manifest");
    Target t = Target.of(m);
    if (t.namespace() != null) {
      ((ObjectNode) m.get("metadata")).put("namespace", t.namespace());
    }
    if (t.kind().is("Secret")) {
      if (raw instanceof String) {
        throw new ToolException(
            FailureType.INVALID_ARGS,
            "args.manifest: a Secret given as text; give it as a JSON object whose"
                + " data values are references "
                + SecretRef.SHAPE
                + " (rule "
                + SecretLiterals.RULE
                + ")");
      }
      SecretValues.requireReferences(m, "args.manifest");
    }
    return m;
  }

  /**
   * The manifest to send: a Secret's references replaced by their values (read by this worker
   * only).
   */
  private static SecretValues.Resolved withValues(ToolContext ctx, ObjectNode m, Target t) {
    return t.kind().is("Secret")
        ? SecretValues.resolve(m, "args.manifest", ctx)
        : new SecretValues.Resolved(m, Map.of(), List.of());
  }

  @Override
  public Preview preview(ToolContext ctx, ToolArgs args) {
    ObjectNode m = manifest(args);
    Target t = Target.of(m);
    JsonNode live = t.fetch(ctx.client());
    SecretValues.Resolved body = withValues(ctx, m, t);
    JsonNode intended =
        ApiErrors.call(
            "dry-run apply of " + t,
            () -> apply(ctx.client(), t, body.object(), null, args.bool("forceConflicts"), true));
    List<String> warnings = new ArrayList<>(body.notes());
    if (args.bool("forceConflicts")) {
      warnings.add("forceConflicts: takes ownership of fields other managers own");
    }
    String diff = YamlDiff.of(t.path(), live, intended);
    if (live != null && diff.isEmpty()) {
      warnings.add("no change: " + t + " already matches the manifest");
    }
    return new Preview(
        t.ref(live, ctx.digestKey()).withSources(body.sources()),
        "apply " + t + (live == null ? " (create)" : " (update)"),
        diff,
        "server-side dry-run of server-side apply (fieldManager="
            + FIELD_MANAGER
            + ", force="
            + args.bool("forceConflicts")
            + ")",
        EditTool.audit(t, intended),
        warnings);
  }

  @Override
  public Execution execute(ToolContext ctx, ToolArgs args, TargetRef approved) {
    return execute(ctx, args, approved, null);
  }

  @Override
  public Execution execute(ToolContext ctx, ToolArgs args, TargetRef approved, String callHash) {
    String started = Instant.now(ctx.clock()).toString();
    ObjectNode m = manifest(args);
    Target t = Target.of(m);
    JsonNode live = t.fetch(ctx.client());
    if (OwnWrite.isOurs(live, callHash)) {
      // An attempt whose answer was lost applied it: executed once, not a concurrent change.
      boolean created = approved != null && !approved.exists();
      ObjectNode result = Json.object();
      result.put(
          "summary",
          "already "
              + (created ? "created " : "applied ")
              + t
              + ": it carries this call's own write ("
              + OwnWrite.CALL_ANNOTATION
              + ", field manager "
              + FIELD_MANAGER
              + ") from an attempt whose answer was lost");
      result.put("created", created);
      result.put("recognisedOwnWrite", true);
      result.put("resourceVersion", Json.at(live, "/metadata/resourceVersion"));
      return new Execution(
          null, EditTool.audit(t, live), result, started, Instant.now(ctx.clock()).toString());
    }
    t.checkUnchanged(approved, live, ctx.digestKey());
    SecretValues.Resolved body = withValues(ctx, OwnWrite.stamp(m, callHash), t);
    // A value read again from its store must be the one the approvers' digest bound.
    t.checkSources(approved, body.sources());
    JsonNode after;
    try {
      after =
          apply(
              ctx.client(),
              t,
              body.object(),
              live != null ? Json.at(live, "/metadata/resourceVersion") : null,
              args.bool("forceConflicts"),
              false);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 && !ApiErrors.fieldConflict(e)) {
        throw Writes.changed(ctx.client(), t, approved.resourceVersion(), e);
      }
      throw ApiErrors.translate("apply " + t, e);
    }
    ObjectNode result = Json.object();
    result.put("summary", (live == null ? "created " : "applied ") + t);
    result.put("created", live == null);
    result.put("resourceVersion", Json.at(after, "/metadata/resourceVersion"));
    return new Execution(
        live == null ? null : EditTool.audit(t, live),
        EditTool.audit(t, after),
        result,
        started,
        Instant.now(ctx.clock()).toString());
  }

  private static JsonNode apply(
      KubernetesClient client,
      Target t,
      ObjectNode manifest,
      String resourceVersion,
      boolean force,
      boolean dryRun) {
    ObjectNode body = manifest.deepCopy();
    if (resourceVersion != null) {
      // A resourceVersion in an apply body is a precondition: a changed object answers 409.
      ((ObjectNode) body.get("metadata")).put("resourceVersion", resourceVersion);
    }
    String path =
        t.kind().path(t.namespace(), t.name())
            + "?fieldManager="
            + FIELD_MANAGER
            + "&force="
            + force
            + (dryRun ? "&dryRun=All" : "");
    return ApiRequests.send(client, "PATCH", path, "application/apply-patch+yaml", Json.text(body));
  }

  @Override
  public Observation observe(ToolContext ctx, ToolArgs args, Execution execution) {
    Target t = Target.of(manifest(args));
    ObjectNode m = withValues(ctx, manifest(args), t).asStored();
    JsonNode live = t.fetch(ctx.client());
    if (live == null) {
      return Observation.failed(t + " does not exist");
    }
    List<String> diffs = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!List.of("apiVersion", "kind", "metadata", "status").contains(e.getKey())) {
        diffs.addAll(Manifests.mismatches(e.getValue(), live.get(e.getKey()), e.getKey()));
      }
    }
    for (String labels : List.of("labels", "annotations")) {
      diffs.addAll(
          Manifests.mismatches(
              m.at("/metadata/" + labels), live.at("/metadata/" + labels), "metadata." + labels));
    }
    if (t.kind().is("Secret")) {
      // Secret values are compared but never echoed into evidence.
      diffs =
          diffs.stream().map(d -> d.replaceAll(" is .*", " differs from the manifest")).toList();
    }
    if (!diffs.isEmpty()) {
      diffs.add(0, t + " does not match the manifest:");
      return new Observation(
          Observation.Status.FAILED, diffs.subList(0, Math.min(diffs.size(), 20)), List.of());
    }
    if (t.kind().workload()) {
      Observation rollout = Workloads.observe(ctx.client(), t, live);
      List<String> evidence = new ArrayList<>(List.of(t + " matches the manifest"));
      evidence.addAll(rollout.evidence());
      return new Observation(rollout.status(), evidence, rollout.warnings());
    }
    return Observation.reached(t + " exists and matches the manifest");
  }

  @Override
  public long defaultBudgetSeconds(ToolContext ctx, ToolArgs args) {
    ObjectNode m = manifest(args);
    return Target.of(m).kind().workload() ? Workloads.progressDeadlineSeconds(m) : 60;
  }

  @Override
  public RollbackPlan rollback(ToolArgs args, Execution execution) {
    ObjectNode m = manifest(args);
    Target t = Target.of(m);
    if (execution == null) {
      return new RollbackPlan(null, "no execution was recorded");
    }
    if (execution.before() == null
        && execution.result() != null
        && execution.result().path("recognisedOwnWrite").asBoolean()
        && !execution.result().path("created").asBoolean()) {
      return new RollbackPlan(
          null,
          "the previous "
              + t
              + " went with the lost answer of the write; re-apply it from its source");
    }
    if (execution.before() == null) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("kind", t.kind().name());
      if (t.namespace() != null) {
        a.put("namespace", t.namespace());
      }
      a.put("name", t.name());
      return new RollbackPlan(
          new ToolCall("k8s.delete", a), "delete " + t + ", which the apply created");
    }
    if (Bounded.isCut(execution.before())) {
      return new RollbackPlan(
          null, "the previous " + t + " was too large to capture; re-apply it from its source");
    }
    if (t.kind().is("Secret")) {
      return new RollbackPlan(
          null,
          "Secret values are never captured, so the previous "
              + t
              + " cannot be re-applied by the engine");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> previous =
        Json.MAPPER.convertValue(Manifests.forRecreate(execution.before()), Map.class);
    return new RollbackPlan(
        new ToolCall("k8s.apply", Map.of("manifest", previous)),
        "re-apply the previous " + t + " from its snapshot");
  }
}
