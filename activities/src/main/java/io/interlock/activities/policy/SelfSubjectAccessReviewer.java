package io.interlock.activities.policy;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** {@link AccessReview} through a SelfSubjectAccessReview with the environment's own client. */
public final class SelfSubjectAccessReviewer implements AccessReview {
  private final KubernetesClient client;

  public SelfSubjectAccessReviewer(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public AccessVerdict review(AccessRequest r) {
    SelfSubjectAccessReview review =
        new SelfSubjectAccessReviewBuilder()
            .withNewSpec()
            .withResourceAttributes(
                new ResourceAttributesBuilder()
                    .withVerb(r.verb())
                    .withGroup(r.group())
                    .withResource(r.resource())
                    .withSubresource(r.subresource())
                    .withNamespace(r.namespace())
                    .withName(r.name())
                    .build())
            .endSpec()
            .build();
    SelfSubjectAccessReview answer =
        client.authorization().v1().selfSubjectAccessReview().create(review);
    if (answer == null || answer.getStatus() == null) {
      // No status is no permission: fail closed.
      return new AccessVerdict(false, "the cluster returned no access review status");
    }
    boolean allowed =
        Boolean.TRUE.equals(answer.getStatus().getAllowed())
            && !Boolean.TRUE.equals(answer.getStatus().getDenied());
    String reason = answer.getStatus().getReason();
    if (answer.getStatus().getEvaluationError() != null) {
      reason =
          (reason == null ? "" : reason + "; ")
              + "evaluation error: "
              + answer.getStatus().getEvaluationError();
    }
    return new AccessVerdict(allowed, reason);
  }
}
