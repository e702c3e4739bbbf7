package io.interlock.contract.values;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.common.converter.DefaultDataConverter;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TargetRefTest {
  private static String json(TargetRef ref) {
    return DefaultDataConverter.STANDARD_INSTANCE
        .toPayload(ref)
        .orElseThrow()
        .getData()
        .toStringUtf8();
  }

  @Test
  @DisplayName(
      "a snapshot without sources is written as before (no sources field), so recorded call hashes still match")
  void noSourcesNoField() {
    TargetRef ref =
        new TargetRef("apps/v1", "Deployment", "shop", "web", "u", "7", true, "sha256:x");
    assertThat(json(ref)).doesNotContain("sources");
    assertThat(
            DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
                DefaultDataConverter.STANDARD_INSTANCE.toPayload(ref).orElseThrow(),
                TargetRef.class,
                TargetRef.class))
        .isEqualTo(ref);
  }

  @Test
  @DisplayName("sources travel sorted and survive the round trip through a payload")
  void sourcesRoundTrip() {
    TargetRef ref =
        new TargetRef("apps/v1", "Deployment", "shop", "web", "u", "7", true, "sha256:x")
            .withSources(
                Map.of("secretRef b/k", "hmac-sha256:2", "revision 1 template", "sha256:1"));
    assertThat(json(ref))
        .contains(
            "\"sources\":{\"revision 1 template\":\"sha256:1\",\"secretRef b/k\":\"hmac-sha256:2\"}");
    TargetRef back =
        DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
            DefaultDataConverter.STANDARD_INSTANCE.toPayload(ref).orElseThrow(),
            TargetRef.class,
            TargetRef.class);
    assertThat(back).isEqualTo(ref);
  }
}
