package io.interlock.activities.k8s.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.interlock.activities.k8s.ApiErrors;
import io.interlock.activities.k8s.ApiRequests;
import io.interlock.activities.k8s.Json;
import io.interlock.activities.k8s.Kinds;
import io.interlock.activities.k8s.Manifests;
import io.interlock.activities.k8s.Target;
import io.interlock.activities.k8s.Writes;
import io.interlock.activities.k8s.YamlDiff;
import io.interlock.activities.tools.ArgsSchema;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import io.interlock.activities.tools.WriteTool;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.Preview;
import io.interlock.contract.values.TargetRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** k8s.delete: deletes one object with uid and resourceVersion preconditions. */
public final class DeleteTool implements WriteTool {
  private static final ArgsSchema SCHEMA =
      ArgsSchema.create()
          .string("kind", true, "object kind, e.g. Deployment, Pod, ConfigMap")
          .namespace(
              "namespace", false, "namespace (default 'default'; ignored for cluster-scoped kinds)")
          .name("name", true, "object name")
          .oneOf(
              "propagationPolicy",
              false,
              "what happens to dependents (default Background)",
              "Background",
              "Foreground",
              "Orphan");

  @Override
  public String name() {
    return "k8s.delete";
  }

  @Override
  public String description() {
    return "Delete one object. The delete carries the approved uid and resourceVersion as preconditions,"
        + " so a changed or re-created object is not deleted. Kinds: "
        + Kinds.names();
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
    return "the object is gone (the API answers 404)";
  }

  @Override
  public Preview preview(ToolContext ctx, ToolArgs args) {
    Target t = Target.of(args);
    JsonNode live = t.require(ctx.client());
    ApiErrors.call(
        "dry-run delete of " + t,
        () -> delete(ctx.client(), t, args, t.ref(live, ctx.digestKey()), true));
    List<String> warnings = new ArrayList<>();
    warnings.add("destructive: " + t + " will be deleted");
    if (t.kind().is("Namespace")) {
      warnings.add("deleting a Namespace deletes every object in it");
    }
    if (t.kind().is("Secret")) {
      warnings.add("Secret values are never captured: a rollback cannot re-create this Secret");
    }
    JsonNode owners = live.at("/metadata/ownerReferences");
    if (owners.isArray() && !owners.isEmpty()) {
      warnings.add(
          t
              + " is owned by "
              + owners.get(0).path("kind").asText()
              + " "
              + owners.get(0).path("name").asText()
              + ", which may re-create it");
    }
    return new Preview(
        t.ref(live, ctx.digestKey()),
        "delete " + t,
        YamlDiff.of(t.path(), live, null),
        "server-side dry-run (DELETE ?dryRun=All with uid/resourceVersion preconditions)",
        null,
        warnings);
  }

  @Override
  public Execution execute(ToolContext ctx, ToolArgs args, TargetRef approved) {
    String started = Instant.now(ctx.clock()).toString();
    Target t = Target.of(args);
    JsonNode live = t.fetch(ctx.client());
    t.checkUnchanged(approved, live, ctx.digestKey());
    JsonNode answer;
    try {
      // Preconditions: the approved uid and the version just read (content checked equal above).
      answer = delete(ctx.client(), t, args, t.ref(live, ctx.digestKey()), false);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        throw Writes.changed(ctx.client(), t, approved.resourceVersion(), e);
      }
      throw ApiErrors.translate("delete " + t, e);
    }
    ObjectNode result = Json.object();
    result.put("summary", "deleted " + t);
    result.put("status", answer.path("status").asText(answer.path("kind").asText()));
    return new Execution(
        EditTool.audit(t, live), null, result, started, Instant.now(ctx.clock()).toString());
  }

  private static JsonNode delete(
      KubernetesClient client, Target t, ToolArgs args, TargetRef pre, boolean dryRun) {
    ObjectNode options = Json.object();
    options.put("apiVersion", "v1");
    options.put("kind", "DeleteOptions");
    options.put("propagationPolicy", args.string("propagationPolicy", "Background"));
    ObjectNode preconditions = options.putObject("preconditions");
    preconditions.put("uid", pre.uid());
    preconditions.put("resourceVersion", pre.resourceVersion());
    if (dryRun) {
      options.putArray("dryRun").add("All");
    }
    String path = t.kind().path(t.namespace(), t.name()) + (dryRun ? "?dryRun=All" : "");
    return ApiRequests.send(client, "DELETE", path, "application/json", Json.text(options));
  }

  @Override
  public Observation observe(ToolContext ctx, ToolArgs args, Execution execution) {
    Target t = Target.of(args);
    JsonNode live = t.fetch(ctx.client());
    if (live == null) {
      return Observation.reached(t + " is gone (404)");
    }
    String uid = Json.at(live, "/metadata/uid");
    String oldUid = execution == null ? null : Json.at(execution.before(), "/metadata/uid");
    if (oldUid != null && !oldUid.equals(uid)) {
      return new Observation(
          Observation.Status.REACHED,
          List.of(
              t
                  + " was deleted (uid "
                  + oldUid
                  + ") and a new object now has its name (uid "
                  + uid
                  + ")"),
          List.of("something re-created " + t));
    }
    return Observation.progressing(
        t
            + " still exists (deletionTimestamp "
            + Json.at(live, "/metadata/deletionTimestamp")
            + ", finalizers "
            + live.at("/metadata/finalizers")
            + ")");
  }

  @Override
  public long defaultBudgetSeconds(ToolContext ctx, ToolArgs args) {
    return 60;
  }

  @Override
  public RollbackPlan rollback(ToolArgs args, Execution execution) {
    Target t = Target.of(args);
    if (!EditTool.capturedBefore(execution)) {
      return new RollbackPlan(null, "no complete before-state was captured");
    }
    if (t.kind().is("Secret")) {
      return new RollbackPlan(
          null,
          "Secret values are never captured, so " + t + " cannot be re-created by the engine");
    }
    JsonNode owners = execution.before().at("/metadata/ownerReferences");
    if (owners.isArray() && !owners.isEmpty()) {
      return new RollbackPlan(
          null,
          t
              + " was owned by "
              + owners.get(0).path("kind").asText()
              + " "
              + owners.get(0).path("name").asText()
              + "; its controller re-creates it");
    }
    ObjectNode manifest = Manifests.forRecreate(execution.before());
    @SuppressWarnings("unchecked")
    Map<String, Object> m = Json.MAPPER.convertValue(manifest, Map.class);
    return new RollbackPlan(
        new ToolCall("k8s.apply", Map.of("manifest", m)), "re-create " + t + " from its snapshot");
  }
}
