package io.interlock.worker.mcp;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Open MCP sessions, in memory, bounded (least recently used dropped first). */
@ApplicationScoped
public class McpSessions {
  private final int max;
  private final Map<String, McpSession> sessions;

  public McpSessions(McpConfig config) {
    this.max = Math.max(1, config.maxSessions());
    this.sessions = new LinkedHashMap<>(16, 0.75f, true);
  }

  synchronized McpSession open(
      String user, String environment, String protocolVersion, String client) {
    // A random UUID is unguessable (SecureRandom) and visible ASCII, as the spec asks.
    McpSession s =
        new McpSession(UUID.randomUUID().toString(), user, environment, protocolVersion, client);
    sessions.put(s.id, s);
    while (sessions.size() > max) {
      sessions.remove(sessions.keySet().iterator().next());
    }
    return s;
  }

  /** The session, only for the user who opened it: someone else's id is as good as unknown. */
  synchronized Optional<McpSession> find(String id, String user) {
    McpSession s = id == null ? null : sessions.get(id);
    return s != null && s.user.equals(user) ? Optional.of(s) : Optional.empty();
  }

  synchronized boolean close(String id, String user) {
    if (find(id, user).isPresent()) {
      sessions.remove(id);
      return true;
    }
    return false;
  }
}
