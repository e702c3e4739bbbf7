package io.interlock.worker.cli;

import picocli.CommandLine.Option;

/** Where the server is and who is calling; shared by every command that uses the API. */
final class ServerOptions {
  @Option(
      names = "--server",
      description = "Interlock server URL (default: $INTERLOCK_SERVER, else http://localhost:8080)")
  String server;

  @Option(names = "--token", description = "bearer token (default: $INTERLOCK_TOKEN)")
  String token;

  ApiClient api() {
    String s =
        server != null
            ? server
            : System.getenv().getOrDefault("INTERLOCK_SERVER", "http://localhost:8080");
    String t = token != null ? token : System.getenv("INTERLOCK_TOKEN");
    return new ApiClient(s, t);
  }

  String serverUrl() {
    return server != null
        ? server
        : System.getenv().getOrDefault("INTERLOCK_SERVER", "http://localhost:8080");
  }
}
