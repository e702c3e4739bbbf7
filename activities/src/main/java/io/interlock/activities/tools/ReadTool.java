package io.interlock.activities.tools;

import com.fasterxml.jackson.databind.JsonNode;

/** A tool that only observes. Results are redacted (no Secret values) and bounded in size. */
public interface ReadTool extends Tool {
  JsonNode read(ToolContext ctx, ToolArgs args);

  /** Observing twice changes nothing. */
  @Override
  default boolean idempotent() {
    return true;
  }
}
