package io.interlock.activities.policy;

import java.util.List;

/**
 * Who may override a freeze window in an environment: members of {@code groups}, with a reason and
 * one approval more than usual. Absent means no override exists.
 */
public record BreakGlass(List<String> groups) {
  public BreakGlass {
    groups = List.copyOf(groups);
  }
}
