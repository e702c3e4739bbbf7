package io.interlock.activities.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.values.FailureType;
import java.util.Set;

/** The mutating calls, each carrying its preconditions, and their server-side dry-runs. */
public final class Writes {
  /** Answers meaning "this server cannot dry-run that", not "the object is wrong". */
  private static final Set<Integer> NO_DRY_RUN = Set.of(405, 415, 501);

  private static final int DRY_RUN_ATTEMPTS = 5;

  private Writes() {}

  /** The would-be object and how it was computed. */
  public record DryRun(JsonNode object, String how) {}

  /**
   * PUT with ?dryRun=All; falls back to the client-side object only when the server cannot dry-run.
   */
  public static DryRun update(KubernetesClient client, Target target, JsonNode intended) {
    // No resourceVersion in a dry-run: a controller's status write in between must not fail the
    // preview (nothing persists; the real write carries the precondition).
    ObjectNode body = intended.deepCopy();
    if (body.get("metadata") instanceof ObjectNode meta) {
      meta.remove("resourceVersion");
    }
    for (int attempt = 1; ; attempt++) {
      try {
        // One unconditional PUT as JSON: the typed client's update read the object first.
        return new DryRun(
            ApiRequests.send(
                client,
                "PUT",
                target.kind().path(target.namespace(), target.name())
                    + "?dryRun=All&fieldManager="
                    + OwnWrite.FIELD_MANAGER,
                "application/json",
                Json.text(body)),
            "server-side dry-run (PUT ?dryRun=All) of the intended object");
      } catch (KubernetesClientException e) {
        if (NO_DRY_RUN.contains(e.getCode())) {
          return new DryRun(
              intended, "client-side: the server cannot dry-run (" + e.getCode() + ")");
        }
        // A dry run persists nothing: a conflict with a write landing at that moment is retried.
        if (e.getCode() == 409 && attempt < DRY_RUN_ATTEMPTS) {
          continue;
        }
        throw ApiErrors.translate("dry-run of " + target, e);
      }
    }
  }

  /** PUT guarded by resourceVersion: a concurrent change is a 409, never overwritten. */
  public static JsonNode update(
      KubernetesClient client, Target target, JsonNode intended, String resourceVersion) {
    ObjectNode body = intended.deepCopy();
    ((ObjectNode) body.get("metadata")).put("resourceVersion", resourceVersion);
    try {
      // A PUT under the engine's field manager (the typed DSL cannot name one for an update).
      return ApiRequests.send(
          client,
          "PUT",
          target.kind().path(target.namespace(), target.name())
              + "?fieldManager="
              + OwnWrite.FIELD_MANAGER,
          "application/json",
          Json.text(body));
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        throw changed(client, target, resourceVersion, e);
      }
      throw ApiErrors.translate("update " + target, e);
    }
  }

  /** The operator-facing refusal of the server's 409 ({@code cause}), naming both versions. */
  public static ToolException changed(
      KubernetesClient client, Target target, String approvedVersion, Throwable cause) {
    JsonNode now = target.fetch(client);
    String current = now == null ? "deleted" : Json.at(now, "/metadata/resourceVersion");
    return new ToolException(
        FailureType.TARGET_CHANGED,
        "target changed since approval: resourceVersion was "
            + approvedVersion
            + ", now "
            + current
            + "; propose the step again",
        cause);
  }
}
