package io.interlock.activities.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is in which group. The policy file's {@code groups} is the built-in directory; an identity
 * provider can supply another implementation later.
 */
public interface GroupDirectory {
  /** Members of {@code group}; empty for an unknown group. */
  Set<String> members(String group);

  /** A directory backed by a fixed map (the policy file's {@code groups}). */
  static GroupDirectory of(Map<String, List<String>> groups) {
    Map<String, List<String>> copy = Map.copyOf(groups);
    return group -> new TreeSet<>(copy.getOrDefault(group, List.of()));
  }
}
