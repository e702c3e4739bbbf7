package io.interlock.contract.commands;

/** Signal {@code reject}: a reason is required. */
public record Rejection(String stepId, String callHash, String approver, String reason) {}
