package io.interlock.contract.views;

/**
 * Who a task belongs to, without its steps: what a caller's right to act on the task is decided by,
 * answered in constant size however long the task has run.
 *
 * @param taskRunId the task's first run id, which proofs of its decisions name
 */
public record TaskHeader(String taskId, String requester, String environment, String taskRunId) {}
