package io.interlock.contract.activities;

import io.interlock.contract.values.ApprovalProof;

/**
 * Who claims to have started a task, with their proof (null when none was sent).
 *
 * @param taskId the workflow id the requester's statement must name
 */
public record RequesterCheck(
    String taskId, String requester, String environment, ApprovalProof proof) {}
