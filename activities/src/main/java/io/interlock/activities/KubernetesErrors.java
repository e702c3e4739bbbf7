package io.interlock.activities;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.interlock.contract.values.FailureType;
import io.temporal.failure.ApplicationFailure;

/** Maps API server answers to failure types with an explicit retry decision. */
final class KubernetesErrors {
  private KubernetesErrors() {}

  static ApplicationFailure translate(KubernetesClientException e) {
    String msg =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    return switch (e.getCode()) {
      case 404 ->
          ApplicationFailure.newNonRetryableFailure(
              "not found: " + msg, FailureType.NOT_FOUND.type());
      case 409 ->
          ApplicationFailure.newNonRetryableFailure(
              "target changed since approval or conflicts: "
                  + msg
                  + "; propose the step again for a fresh approval",
              FailureType.TARGET_CHANGED.type());
      case 403, 401 ->
          ApplicationFailure.newNonRetryableFailure(
              "forbidden: the engine's credentials may not do this: " + msg,
              FailureType.FORBIDDEN.type());
      case 400, 415, 422 ->
          ApplicationFailure.newNonRetryableFailure(
              "the cluster refused the request: " + msg, FailureType.INVALID_ARGS.type());
      default ->
          ApplicationFailure.newFailure(
              "cluster error " + e.getCode() + ": " + msg, FailureType.CLUSTER_ERROR.type());
    };
  }
}
