package io.interlock.contract.values;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a write will change, computed before anyone approves it.
 *
 * @param target the target snapshot (identity and version the approval binds to)
 * @param summary one line for an inbox ("scale shop/web 2 -> 5")
 * @param diff unified diff of live vs intended (YAML)
 * @param dryRun how the intended state was computed (for example "server-side dry-run")
 * @param intended the would-be object, redacted and trimmed
 * @param warnings things an approver should know (destructive, conflict, ...)
 */
public record Preview(
    TargetRef target,
    String summary,
    String diff,
    String dryRun,
    JsonNode intended,
    List<String> warnings) {
  public Preview {
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }
}
