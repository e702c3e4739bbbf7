package io.interlock.contract.values;

/** An approval or rejection the engine refused: who claimed it, when, and why (bounded text). */
public record Refusal(String approver, String at, String why) {}
