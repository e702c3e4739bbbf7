package io.interlock.activities.policy;

import java.util.List;

/** Optional {@code Impersonate-User}/{@code Impersonate-Group} for an environment's client. */
public record Impersonation(String user, List<String> groups) {
  public Impersonation {
    groups = groups == null ? List.of() : List.copyOf(groups);
  }
}
