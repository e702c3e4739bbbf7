package io.interlock.contract.activities;

import io.interlock.contract.values.ToolSpec;
import java.util.List;

/**
 * The registry's answer for a call: its spec, or the problems that stop it (unknown tool, bad
 * args).
 */
public record ResolvedCall(ToolSpec spec, List<String> problems) {
  public ResolvedCall {
    problems = problems == null ? List.of() : List.copyOf(problems);
  }

  public boolean ok() {
    return spec != null && problems.isEmpty();
  }
}
