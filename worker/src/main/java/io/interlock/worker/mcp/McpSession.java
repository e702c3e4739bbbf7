package io.interlock.worker.mcp;

/**
 * One MCP session: who opened it (from the bearer token), the environment its task runs in, and
 * that task once the first catalog tool was called.
 */
final class McpSession {
  final String id;
  final String user;
  final String environment;
  final String protocolVersion;
  final String client;
  private String taskId;

  McpSession(String id, String user, String environment, String protocolVersion, String client) {
    this.id = id;
    this.user = user;
    this.environment = environment;
    this.protocolVersion = protocolVersion;
    this.client = client;
  }

  synchronized String taskId() {
    return taskId;
  }

  synchronized void taskId(String taskId) {
    this.taskId = taskId;
  }
}
