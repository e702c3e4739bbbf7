package io.interlock.contract.views;

import java.util.List;

/**
 * Update {@code decideBatch}'s answer: the statement's digest and the outcome of each of this
 * task's entries, once the gate reacted.
 */
public record BatchAnswer(String statementDigest, List<BatchOutcome> outcomes) {
  public BatchAnswer {
    outcomes = outcomes == null ? List.of() : List.copyOf(outcomes);
  }
}
