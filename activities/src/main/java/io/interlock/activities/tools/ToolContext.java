package io.interlock.activities.tools;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.activities.secrets.DigestKey;
import io.interlock.activities.secrets.SecretStores;
import java.time.Clock;
import java.time.Duration;

/**
 * What a tool may use: the client of the one environment this worker serves on this queue (its
 * credentials never leave the worker), a clock, the verification poll interval, and what else the
 * worker holds that never leaves it: the stores Secret values by reference come from and the key
 * that digests Secret content.
 */
public record ToolContext(
    String environment,
    KubernetesClient client,
    Clock clock,
    Duration pollInterval,
    SecretStores secretStores,
    DigestKey digestKey) {

  /** Without secret stores, and with a digest key for this process only. */
  public ToolContext(
      String environment, KubernetesClient client, Clock clock, Duration pollInterval) {
    this(environment, client, clock, pollInterval, SecretStores.none(), DigestKey.ephemeral());
  }
}
