package io.interlock.activities.k8s.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.activities.k8s.Bounded;
import io.interlock.activities.k8s.Json;
import io.interlock.activities.k8s.Manifests;
import io.interlock.activities.k8s.OwnWrite;
import io.interlock.activities.k8s.Redaction;
import io.interlock.activities.k8s.Target;
import io.interlock.activities.k8s.Writes;
import io.interlock.activities.k8s.YamlDiff;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import io.interlock.activities.tools.ToolException;
import io.interlock.activities.tools.WriteTool;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.Preview;
import io.interlock.contract.values.TargetRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A write that edits one existing object: the intended object is a pure function of the live one,
 * previewed by a server-side dry-run and written with a PUT guarded by the approved resourceVersion
 * (and uid).
 */
public abstract class EditTool implements WriteTool {
  /** Reads-then-writes tried when only status moved in between; bounded so it cannot spin. */
  private static final int MAX_WRITE_ATTEMPTS = 3;

  /** Kinds this tool accepts; the first is the default. */
  protected abstract List<String> kinds();

  /** The intended object computed from the live one (pure; a copy may be modified). */
  protected abstract JsonNode intended(Target target, JsonNode live, ToolArgs args);

  /** One line for the inbox, e.g. "scale Deployment shop/web replicas 2 -> 5". */
  protected abstract String summary(Target target, JsonNode live, JsonNode intended, ToolArgs args);

  /** What an approver should know beyond the diff. */
  protected List<String> warnings(Target target, JsonNode live, JsonNode intended, ToolArgs args) {
    return List.of();
  }

  protected Target target(ToolArgs args) {
    return Target.of(args, name(), kinds());
  }

  @Override
  public Preview preview(ToolContext ctx, ToolArgs args) {
    Target t = target(args);
    JsonNode live = t.require(ctx.client());
    JsonNode intended = intended(t, live, args);
    Writes.DryRun dry = Writes.update(ctx.client(), t, intended);
    List<String> warnings = new ArrayList<>(warnings(t, live, intended, args));
    String diff = YamlDiff.of(t.path(), live, dry.object());
    if (diff.isEmpty()) {
      warnings.add("no change: " + t + " already matches the intended state");
    }
    return new Preview(
        t.ref(live, ctx.digestKey()),
        summary(t, live, intended, args),
        diff,
        dry.how(),
        audit(t, dry.object()),
        warnings);
  }

  /** Final: subclasses add their checks to the call-hash form, the one the activity calls. */
  @Override
  public final Execution execute(ToolContext ctx, ToolArgs args, TargetRef approved) {
    return execute(ctx, args, approved, null);
  }

  @Override
  public Execution execute(ToolContext ctx, ToolArgs args, TargetRef approved, String callHash) {
    String started = Instant.now(ctx.clock()).toString();
    Target t = target(args);
    for (int attempt = 1; ; attempt++) {
      JsonNode live = t.fetch(ctx.client());
      if (OwnWrite.isOurs(live, callHash)) {
        return recognised(t, live, started, ctx);
      }
      t.checkUnchanged(approved, live, ctx.digestKey());
      JsonNode intended = OwnWrite.stamp(intended(t, live, args), callHash);
      JsonNode after;
      try {
        // The fresh resourceVersion locks the write: nothing may slip in between this read and it.
        after =
            Writes.update(ctx.client(), t, intended, Json.at(live, "/metadata/resourceVersion"));
      } catch (ToolException e) {
        // A 409 from status churn between read and write: read again; the content check decides.
        if (e.type() != FailureType.TARGET_CHANGED || attempt >= MAX_WRITE_ATTEMPTS) {
          throw e;
        }
        continue;
      }
      ObjectNode result = Json.object();
      result.put("summary", summary(t, live, intended, args));
      result.put("resourceVersion", Json.at(after, "/metadata/resourceVersion"));
      return new Execution(
          audit(t, live), audit(t, after), result, started, Instant.now(ctx.clock()).toString());
    }
  }

  /**
   * This call's own write, made by an attempt whose answer was lost: executed, not a concurrent
   * change. Its before-state went with that answer, so no rollback can be planned from it.
   */
  private Execution recognised(Target t, JsonNode live, String started, ToolContext ctx) {
    ObjectNode result = Json.object();
    result.put(
        "summary",
        "already executed: "
            + t
            + " carries this call's own write ("
            + OwnWrite.CALL_ANNOTATION
            + ", field manager "
            + OwnWrite.FIELD_MANAGER
            + ") from an attempt whose answer"
            + " was lost; not written again");
    result.put("recognisedOwnWrite", true);
    result.put("resourceVersion", Json.at(live, "/metadata/resourceVersion"));
    return new Execution(
        null, audit(t, live), result, started, Instant.now(ctx.clock()).toString());
  }

  /** The copy kept in previews and the audit: redacted, without managedFields. */
  protected static JsonNode audit(Target t, JsonNode obj) {
    return obj == null
        ? null
        : Bounded.cap(
            Redaction.redact(Manifests.forAudit(obj), t.kind().name()),
            "too large to carry in a payload");
  }

  /**
   * A rollback needs the whole before-state: none when it was not captured or was cut to fit a
   * payload.
   */
  protected static boolean capturedBefore(Execution execution) {
    return execution != null && execution.before() != null && !Bounded.isCut(execution.before());
  }

  /** A mutable copy of the live object to edit. */
  protected static ObjectNode copy(JsonNode live) {
    return live.deepCopy();
  }
}
