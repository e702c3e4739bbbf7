package io.interlock.worker.temporal;

import io.interlock.worker.config.InterlockConfig;
import io.interlock.worker.dev.DevStack;
import io.interlock.workflows.AgentTaskOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** The connection to Temporal: one set of service stubs and the worker's own client. */
@ApplicationScoped
public class TemporalConnection {
  private final InterlockConfig config;
  private final DevStack dev;

  public TemporalConnection(InterlockConfig config, DevStack dev) {
    this.config = config;
    this.dev = dev;
  }

  @Produces
  @Singleton
  WorkflowServiceStubs stubs() {
    String target =
        config.mode() == InterlockConfig.Mode.dev
            ? dev.temporalTarget()
            : config.temporal().target();
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder();
    if (config.mode() == InterlockConfig.Mode.dev && !dev.usesExternalTemporal()) {
      // This process's own calls skip the loopback TCP port (kept for the CLI and other SDKs).
      options.setChannel(dev.temporal().channel());
    } else {
      options.setTarget(target);
    }
    InterlockConfig.Temporal t = config.temporal();
    if (t.tlsCert().isPresent() != t.tlsKey().isPresent()) {
      throw new IllegalStateException(
          "set both interlock.temporal.tls-cert and interlock.temporal.tls-key, or neither");
    }
    try {
      if (t.tlsCert().isPresent()) {
        try (InputStream cert = Files.newInputStream(Path.of(t.tlsCert().get()));
            InputStream key = Files.newInputStream(Path.of(t.tlsKey().get()))) {
          options.setSslContext(SimpleSslContextBuilder.forPKCS8(cert, key).build());
        }
      } else if (t.apiKey().isPresent()) {
        // API keys travel only over TLS (Temporal Cloud refuses them in clear text).
        options.setSslContext(SimpleSslContextBuilder.noKeyOrCertChain().build());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the Temporal TLS certificate or key: " + e.getMessage(), e);
    }
    t.apiKey().ifPresent(key -> options.addApiKey(() -> key));
    return WorkflowServiceStubs.newServiceStubs(options.build());
  }

  void closeStubs(@Disposes WorkflowServiceStubs stubs) {
    stubs.shutdown();
  }

  /** The worker's own client (starts tasks, queries, reads history). */
  @Produces
  @Singleton
  WorkflowClient client(WorkflowServiceStubs stubs) {
    return WorkflowClient.newInstance(
        stubs, options("interlock-worker:" + ManagementFactory.getRuntimeMXBean().getName()));
  }

  /** Client options with the configured namespace and the identity the server records. */
  public WorkflowClientOptions options(String identity) {
    return WorkflowClientOptions.newBuilder()
        .setNamespace(config.temporal().namespace())
        .setIdentity(identity)
        // Payloads from any client are read strictly (trailing tokens, duplicate keys refused).
        .setDataConverter(AgentTaskOptions.dataConverter())
        .build();
  }

  /** Kept for callers that want a descriptive target in messages. */
  public String target() {
    return config.mode() == InterlockConfig.Mode.dev
        ? dev.temporalTarget()
        : config.temporal().target();
  }
}
