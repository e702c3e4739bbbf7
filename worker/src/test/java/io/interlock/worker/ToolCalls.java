package io.interlock.worker;

import java.util.Map;

/** Tool call bodies the REST tests propose, as an agent sends them. */
public final class ToolCalls {
  private ToolCalls() {}

  /** k8s.scale of a Deployment. */
  public static Map<String, Object> scale(String namespace, String name, int replicas) {
    return Map.of(
        "tool",
        "k8s.scale",
        "args",
        Map.of("namespace", namespace, "name", name, "replicas", replicas));
  }

  /** k8s.get of a Deployment. */
  public static Map<String, Object> getDeployment(String namespace, String name) {
    return Map.of(
        "tool",
        "k8s.get",
        "args",
        Map.of("namespace", namespace, "kind", "Deployment", "name", name));
  }
}
