package io.interlock.activities.k8s.read;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.activities.k8s.Bounded;
import io.interlock.activities.k8s.Kinds;
import io.interlock.activities.k8s.Manifests;
import io.interlock.activities.k8s.Redaction;
import io.interlock.activities.k8s.Target;
import io.interlock.activities.tools.ArgsSchema;
import io.interlock.activities.tools.ReadTool;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;

/** k8s.get: one object, redacted and without managedFields. */
public final class GetTool implements ReadTool {
  private static final ArgsSchema SCHEMA =
      ArgsSchema.create()
          .string(
              "kind",
              true,
              "object kind, e.g. Deployment, Pod, Secret (plural and short names work)")
          .namespace(
              "namespace", false, "namespace (default 'default'; ignored for cluster-scoped kinds)")
          .name("name", true, "object name");

  @Override
  public String name() {
    return "k8s.get";
  }

  @Override
  public String description() {
    return "Read one object (like kubectl get -o yaml) without managedFields; Secret values are redacted."
        + " Kinds: "
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
    return Bounded.cap(
        Redaction.redact(Manifests.forAudit(live), t.kind().name()),
        "use k8s.describe or k8s.list with a selector for a narrower view");
  }
}
