package io.interlock.worker.mcp;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The MCP endpoint ({@code POST /mcp}). */
@ConfigMapping(prefix = "interlock.mcp")
public interface McpConfig {

  /**
   * Environment of an MCP session's task when the client sends no {@code Interlock-Environment}
   * header with {@code initialize}.
   */
  @WithDefault("staging")
  String defaultEnvironment();

  /** Longest {@code timeoutSeconds} that {@code wait_for_step} accepts. */
  @WithDefault("60")
  int maxWaitSeconds();

  /** Sessions kept at most; the least recently used one is dropped beyond it. */
  @WithDefault("1000")
  int maxSessions();
}
