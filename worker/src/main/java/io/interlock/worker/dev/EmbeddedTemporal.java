package io.interlock.worker.dev;

import io.grpc.ManagedChannel;
import io.temporal.testserver.TestServer;

/**
 * The Temporal Java test server, in this JVM, reachable on 127.0.0.1 so the Temporal CLI and SDKs
 * in any language can connect. State is in memory; it has no visibility list queries, schedules or
 * reset.
 */
public final class EmbeddedTemporal implements AutoCloseable {
  public static final String HOST = "127.0.0.1";

  private final TestServer.InProcessTestServer server;
  private final LoopbackGrpcProxy proxy;

  /** Starts the server with real time (no time skipping) on {@code port}; 0 picks a free port. */
  public EmbeddedTemporal(int port) {
    this.server = TestServer.createServer(true);
    try {
      TimerLockLedger.install(server);
      this.proxy = new LoopbackGrpcProxy(server.getChannel(), HOST, port);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  public String target() {
    return HOST + ":" + proxy.port();
  }

  /** The server's in-process channel: no socket, no proxy, for this JVM's own clients. */
  public ManagedChannel channel() {
    return server.getChannel();
  }

  TestServer.InProcessTestServer server() {
    return server;
  }

  public int port() {
    return proxy.port();
  }

  @Override
  public void close() {
    proxy.close();
    server.close();
  }
}
