package io.interlock.worker.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.temporal.api.failure.v1.Failure;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.DefaultFailureConverter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HistoryEventsTest {
  private static Failure recorded(Throwable t) {
    // What the SDK writes into a history for a thrown failure.
    return new DefaultFailureConverter()
        .exceptionToFailure(t, DefaultDataConverter.STANDARD_INSTANCE);
  }

  @Test
  @DisplayName(
      "given an activity failure that keeps the cluster's answer as cause, the audit should show the activity's type and words, not the client exception's")
  void showsTheTypedFailure() {
    Failure f =
        recorded(
            ApplicationFailure.newNonRetryableFailureWithCause(
                "apply ConfigMap shop/flags: server-side apply conflict",
                "CONFLICT",
                new KubernetesClientException("Failure executing: PATCH ... 409")));
    assertThat(HistoryEvents.failure(f))
        .isEqualTo("apply ConfigMap shop/flags: server-side apply conflict [CONFLICT]");
  }

  @Test
  @DisplayName("given a chain with no activity type, the audit should show its innermost failure")
  void showsTheInnermostOtherwise() {
    Failure f =
        recorded(
            ApplicationFailure.newFailureWithCause(
                "outer", "Wrapper", ApplicationFailure.newFailure("inner", "Other")));
    assertThat(HistoryEvents.failure(f)).isEqualTo("inner [Other]");
  }
}
