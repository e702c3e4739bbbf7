package io.interlock.worker.mcp;

/** A JSON-RPC error answer (code, message), as opposed to a tool result with {@code isError}. */
final class McpError extends RuntimeException {
  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int METHOD_NOT_FOUND = -32601;
  static final int INVALID_PARAMS = -32602;
  static final int INTERNAL_ERROR = -32603;

  final int code;

  McpError(int code, String message) {
    super(message);
    this.code = code;
  }

  static McpError invalidParams(String message) {
    return new McpError(INVALID_PARAMS, message);
  }
}
