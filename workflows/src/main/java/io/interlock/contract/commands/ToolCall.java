package io.interlock.contract.commands;

import java.util.Map;
import java.util.TreeMap;

/** One tool call an agent proposes: {@code {"tool":"k8s.scale","args":{...}}}. */
public record ToolCall(String tool, Map<String, Object> args) {
  public ToolCall {
    // Sorted so the same call always serialises (and hashes) the same way.
    args = args == null ? new TreeMap<>() : new TreeMap<>(args);
  }
}
