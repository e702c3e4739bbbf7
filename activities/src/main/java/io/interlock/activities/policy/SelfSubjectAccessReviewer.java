package io.interlock.activities.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.activities.k8s.ApiRequests;
import io.interlock.activities.k8s.Json;

/**
 * {@link AccessReview} through a SelfSubjectAccessReview with the environment's own client, sent
 * and read as JSON (every write's policy check asks one; the typed model cost more than the call).
 */
public final class SelfSubjectAccessReviewer implements AccessReview {
  private static final String PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

  private final KubernetesClient client;

  public SelfSubjectAccessReviewer(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public AccessVerdict review(AccessRequest r) {
    ObjectNode review =
        Json.object()
            .put("apiVersion", "authorization.k8s.io/v1")
            .put("kind", "SelfSubjectAccessReview");
    ObjectNode attributes = review.putObject("spec").putObject("resourceAttributes");
    putIfSet(attributes, "verb", r.verb());
    putIfSet(attributes, "group", r.group());
    putIfSet(attributes, "resource", r.resource());
    putIfSet(attributes, "subresource", r.subresource());
    putIfSet(attributes, "namespace", r.namespace());
    putIfSet(attributes, "name", r.name());
    JsonNode status =
        ApiRequests.send(client, "POST", PATH, "application/json", Json.text(review))
            .path("status");
    if (!status.isObject()) {
      // No status is no permission: fail closed.
      return new AccessVerdict(false, "the cluster returned no access review status");
    }
    boolean allowed =
        status.path("allowed").asBoolean(false) && !status.path("denied").asBoolean(false);
    String reason = textOrNull(status, "reason");
    String error = textOrNull(status, "evaluationError");
    if (error != null) {
      reason = (reason == null ? "" : reason + "; ") + "evaluation error: " + error;
    }
    return new AccessVerdict(allowed, reason);
  }

  private static String textOrNull(JsonNode o, String field) {
    return o.hasNonNull(field) ? o.get(field).asText() : null;
  }

  private static void putIfSet(ObjectNode o, String field, String value) {
    if (value != null) {
      o.put(field, value);
    }
  }
}
