package io.interlock.simcluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers SelfSubjectAccessReviews: everything is allowed except what a test denied. This is not
 * authorization; requests themselves are never refused.
 */
final class AccessRules {

  /** A deny rule; a null field matches anything. */
  record Deny(String verb, String group, String resource, String namespace) {
    boolean matches(JsonNode attrs) {
      return eq(verb, attrs.path("verb").asText())
          && eq(group, attrs.path("group").asText(""))
          && eq(resource, attrs.path("resource").asText())
          && eq(namespace, attrs.path("namespace").asText(""));
    }

    private static boolean eq(String rule, String value) {
      return rule == null || rule.equals("*") || rule.equals(value);
    }
  }

  private final List<Deny> denies = new CopyOnWriteArrayList<>();
  private final AtomicLong answered = new AtomicLong();

  void deny(Deny rule) {
    denies.add(rule);
  }

  void clear() {
    denies.clear();
  }

  long answered() {
    return answered.get();
  }

  /** The review with its status filled in, as the API server returns it (not stored). */
  ObjectNode review(ObjectNode request) {
    answered.incrementAndGet();
    ObjectNode out = request.deepCopy();
    out.put("apiVersion", "authorization.k8s.io/v1").put("kind", "SelfSubjectAccessReview");
    ObjectTrees.meta(out).put("creationTimestamp", (String) null);
    JsonNode attrs = request.path("spec").path("resourceAttributes");
    boolean denied = !attrs.isMissingNode() && denies.stream().anyMatch(d -> d.matches(attrs));
    ObjectNode status = out.putObject("status").put("allowed", !denied);
    if (denied) {
      status.put("denied", true).put("reason", "denied by the simulated cluster's deny rule");
    } else {
      status.put("reason", "the simulated cluster allows everything not explicitly denied");
    }
    return out;
  }
}
