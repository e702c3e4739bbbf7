package io.interlock.worker.auth;

import java.util.List;

/**
 * The authenticated identity behind a request. The API takes requester and approver from here,
 * never from a request body.
 *
 * @param kind {@code human} or {@code agent}; agents start tasks and propose, never approve
 * @param groups the policy groups the user belongs to (for display; the workflow decides)
 */
public record Caller(String user, String kind, List<String> groups) {
  public static final String HUMAN = "human";
  public static final String AGENT = "agent";

  public Caller {
    groups = groups == null ? List.of() : List.copyOf(groups);
  }

  public boolean isAgent() {
    return AGENT.equals(kind);
  }

  /** Identities starting with {@code agent:} are agents. */
  public static String kindOf(String user) {
    return user.startsWith("agent:") ? AGENT : HUMAN;
  }
}
