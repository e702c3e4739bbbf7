package io.interlock.activities.policy;

import java.util.List;

/**
 * Everything the policy file says about one environment.
 *
 * @param credentials null when the cluster needs none (simulated, in-cluster)
 * @param impersonation null for none
 * @param allowedClusterScopedKinds cluster-scoped kinds writes may target (default none)
 * @param breakGlass null when freezes cannot be overridden
 * @param verifyBudgetSeconds 0 = each tool's default
 * @param requestProof {@code required} (default) or {@code claimed}: whether a task's requester
 *     must be proven before anything runs
 */
public record EnvironmentPolicy(
    String name,
    ClusterRef cluster,
    CredentialRef credentials,
    Impersonation impersonation,
    List<String> allowedNamespaces,
    List<String> allowedClusterScopedKinds,
    ToolAllowance allowedTools,
    ApprovalPolicy approvals,
    String requestProof,
    List<FreezeWindow> freezeWindows,
    BreakGlass breakGlass,
    long verifyBudgetSeconds,
    List<CelRule> rules) {
  public EnvironmentPolicy {
    allowedNamespaces = List.copyOf(allowedNamespaces);
    allowedClusterScopedKinds = List.copyOf(allowedClusterScopedKinds);
    freezeWindows = List.copyOf(freezeWindows);
    rules = List.copyOf(rules);
  }
}
