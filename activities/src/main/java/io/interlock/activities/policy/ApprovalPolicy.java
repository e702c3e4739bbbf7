package io.interlock.activities.policy;

import io.interlock.contract.values.BatchPolicy;
import java.util.List;
import java.util.Map;

/**
 * Who may approve a write in an environment and how many distinct approvals it needs.
 *
 * @param groups groups whose members may approve
 * @param required distinct approvals for a write (at least 1)
 * @param tools per-tool count replacing {@code required}
 * @param destructive minimum for tools the registry declares destructive (0 = no extra rule)
 * @param maxApprovalSeconds cap on the approval deadline (0 = no cap)
 * @param proof {@code required} (default): each approval carries an SSH signature or a trusted
 *     issuer's token; {@code claimed} (insecure, sandbox only): a bare name counts, shown as an
 *     unverified claim
 * @param batch what one batch statement may decide here ({@code approvals.batch})
 */
public record ApprovalPolicy(
    List<String> groups,
    int required,
    Map<String, Integer> tools,
    int destructive,
    long maxApprovalSeconds,
    String proof,
    BatchPolicy batch) {
  public ApprovalPolicy {
    batch = batch == null ? BatchPolicy.DEFAULT : batch;
    groups = List.copyOf(groups);
    tools = Map.copyOf(tools);
  }
}
