package io.interlock.activities.tools;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;

/**
 * What a tool may use: the client of the one environment this worker serves on this queue (its
 * credentials never leave the worker), a clock, and the verification poll interval.
 */
public record ToolContext(
    String environment, KubernetesClient client, Clock clock, Duration pollInterval) {}
