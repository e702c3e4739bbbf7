package io.interlock.contract.values;

import java.util.List;

/** Verdict, confidence and the observations behind them. */
public record Verification(Verdict verdict, Confidence confidence, List<String> evidence) {
  public Verification {
    evidence = evidence == null ? List.of() : List.copyOf(evidence);
  }
}
