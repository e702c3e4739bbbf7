package io.interlock.worker.dev;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * Serves every gRPC method of an in-process channel on a loopback TCP address, byte for byte. The
 * SDK's public port-bound test server listens on all interfaces; this keeps the unauthenticated dev
 * server reachable from this machine only.
 */
final class LoopbackGrpcProxy implements AutoCloseable {
  private static final int MAX_MESSAGE_BYTES = 128 * 1024 * 1024;

  private final Server server;

  LoopbackGrpcProxy(Channel backend, String host, int port) {
    try {
      this.server =
          NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
              .maxInboundMessageSize(MAX_MESSAGE_BYTES)
              .fallbackHandlerRegistry(new Forwarding(backend))
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on " + host + ":" + port + " (is another Temporal server running there?)",
          e);
    }
  }

  int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  private static final class Forwarding extends HandlerRegistry {
    private final Channel backend;

    Forwarding(Channel backend) {
      this.backend = backend;
    }

    @Override
    public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
      MethodDescriptor<byte[], byte[]> method =
          MethodDescriptor.<byte[], byte[]>newBuilder()
              .setFullMethodName(methodName)
              .setType(MethodDescriptor.MethodType.UNKNOWN)
              .setRequestMarshaller(Bytes.INSTANCE)
              .setResponseMarshaller(Bytes.INSTANCE)
              .build();
      return ServerMethodDefinition.create(method, new Relay(backend, method));
    }
  }

  private record Relay(Channel backend, MethodDescriptor<byte[], byte[]> method)
      implements ServerCallHandler<byte[], byte[]> {
    @Override
    public ServerCall.Listener<byte[]> startCall(
        ServerCall<byte[], byte[]> serverCall, Metadata headers) {
      Deadline deadline = Context.current().getDeadline();
      // Long polls rely on the caller's deadline; carry it to the backend.
      CallOptions options =
          deadline == null ? CallOptions.DEFAULT : CallOptions.DEFAULT.withDeadline(deadline);
      ClientCall<byte[], byte[]> clientCall = backend.newCall(method, options);
      clientCall.start(
          new ClientCall.Listener<>() {
            @Override
            public void onHeaders(Metadata h) {
              serverCall.sendHeaders(h);
            }

            @Override
            public void onMessage(byte[] message) {
              serverCall.sendMessage(message);
              clientCall.request(1);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
              serverCall.close(status, trailers);
            }
          },
          headers);
      clientCall.request(1);
      serverCall.request(1);
      return new ServerCall.Listener<>() {
        @Override
        public void onMessage(byte[] message) {
          clientCall.sendMessage(message);
          serverCall.request(1);
        }

        @Override
        public void onHalfClose() {
          clientCall.halfClose();
        }

        @Override
        public void onCancel() {
          clientCall.cancel("caller cancelled", null);
        }
      };
    }
  }

  private enum Bytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
