package io.interlock.activities.policy;

import java.util.List;

/**
 * Who may read every task, in every environment, without approving anything: members of {@code
 * groups} (for example auditors or incident leads). A task is otherwise readable only by its
 * requester and the approvers of its environment.
 */
public record Reviewers(List<String> groups) {
  /** No reviewers: the policy file has no {@code reviewers} block. */
  public static final Reviewers NONE = new Reviewers(List.of());

  public Reviewers {
    groups = List.copyOf(groups);
  }
}
