package io.interlock.contract.values;

/** An approval or rejection the engine refused, and why. */
public record Refusal(String approver, String at, String why) {}
