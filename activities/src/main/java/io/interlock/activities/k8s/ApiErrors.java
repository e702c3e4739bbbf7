package io.interlock.activities.k8s;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.values.FailureType;
import java.util.function.Supplier;

/**
 * The one translation of API server answers (HTTP status) into typed tool failures, with words an
 * operator can act on; the answer stays the failure's cause.
 */
public final class ApiErrors {
  private ApiErrors() {}

  /** Runs one API call; a refusal becomes a ToolException naming {@code what}. */
  public static <T> T call(String what, Supplier<T> body) {
    try {
      return body.get();
    } catch (KubernetesClientException e) {
      throw translate(what, e);
    }
  }

  public static ToolException translate(String what, KubernetesClientException e) {
    String msg = message(e);
    return switch (e.getCode()) {
      case 404 -> new ToolException(FailureType.NOT_FOUND, what + ": not found: " + msg, e);
      case 409 ->
          fieldConflict(e)
              ? new ToolException(
                  FailureType.CONFLICT,
                  what
                      + ": server-side apply conflict (not forced): "
                      + msg
                      + "; another field manager owns these fields — agree with its owner or propose a change without them",
                  e)
              : new ToolException(
                  FailureType.TARGET_CHANGED,
                  what + ": target changed since approval (" + msg + "); propose the step again",
                  e);
      case 401, 403 ->
          new ToolException(
              FailureType.FORBIDDEN,
              what + ": forbidden: the engine's credentials may not do this: " + msg,
              e);
      case 400, 415, 422 ->
          new ToolException(
              FailureType.INVALID_ARGS, what + ": the cluster refused the request: " + msg, e);
      default ->
          new ToolException(
              FailureType.CLUSTER_ERROR, what + ": cluster error " + e.getCode() + ": " + msg, e);
    };
  }

  /** An SSA conflict names other managers; a version conflict does not. */
  public static boolean fieldConflict(KubernetesClientException e) {
    Status s = e.getStatus();
    if (s != null
        && s.getDetails() != null
        && s.getDetails().getCauses() != null
        && s.getDetails().getCauses().stream()
            .anyMatch(c -> "FieldManagerConflict".equals(c.getReason()))) {
      return true;
    }
    String m = message(e);
    return m != null && m.contains("conflict with \"");
  }

  static String message(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage()
        : e.getMessage();
  }
}
