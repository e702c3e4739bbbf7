package io.interlock.activities.policy;

import io.interlock.contract.values.Effect;
import java.util.List;

/**
 * The tools an environment allows. Entries: an exact name ({@code k8s.scale}), a prefix glob
 * ({@code k8s.*}), {@code *} (every tool), {@code @read} (every tool the registry declares READ) or
 * {@code @write}.
 */
public record ToolAllowance(List<String> entries) {
  public ToolAllowance {
    entries = List.copyOf(entries);
  }

  /** The entry that allows {@code tool}, or null. An unknown effect counts as WRITE. */
  public String match(String tool, Effect effect) {
    Effect e = effect == null ? Effect.WRITE : effect;
    for (String entry : entries) {
      boolean hit =
          switch (entry) {
            case "*" -> true;
            case "@read" -> e == Effect.READ;
            case "@write" -> e == Effect.WRITE;
            default ->
                entry.endsWith("*")
                    ? tool.startsWith(entry.substring(0, entry.length() - 1))
                    : entry.equals(tool);
          };
      if (hit) {
        return entry;
      }
    }
    return null;
  }
}
