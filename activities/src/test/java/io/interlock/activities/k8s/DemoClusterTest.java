package io.interlock.activities.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.activities.secrets.DigestKey;
import io.interlock.activities.secrets.SecretStores;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import io.interlock.activities.tools.ToolRegistry;
import io.interlock.activities.tools.WriteTool;
import io.interlock.activities.verify.VerificationLoop;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.Preview;
import io.interlock.contract.values.Verification;
import io.interlock.simcluster.SimulatedCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Tests against the simulated cluster seeded with the demo estate (shop/web, shop/api, shop/db,
 * payments/ledger, kube-system/log-agent, Secret shop/api-credentials, nodes node-1..3). The
 * controller runs only when a test calls {@link #settle()}, so every state is deterministic.
 */
public abstract class DemoClusterTest {
  /** The demo Secret's password, decoded and as stored. */
  protected static final String PASSWORD = "s3cr3t-demo-password";

  protected static final String PASSWORD_B64 =
      Base64.getEncoder().encodeToString(PASSWORD.getBytes());

  protected final ToolRegistry registry = KubernetesCatalog.registry();
  protected SimulatedCluster cluster;
  protected KubernetesClient client;
  protected ToolContext ctx;

  /** The worker's secret store named {@value #STORE}: a directory whose files are the values. */
  protected static final String STORE = "test";

  protected Path secretStore;
  protected DigestKey digestKey;

  @BeforeEach
  void startCluster() throws IOException {
    cluster = SimulatedCluster.builder().runController(false).start().seedDemo();
    client = cluster.client();
    secretStore = Files.createTempDirectory("interlock-secret-store");
    digestKey = DigestKey.ephemeral();
    ctx =
        new ToolContext(
            "test",
            client,
            Clock.systemUTC(),
            Duration.ofMillis(5),
            SecretStores.of(Map.of(STORE, secretStore)),
            digestKey);
  }

  @AfterEach
  void stopCluster() throws IOException {
    cluster.close();
    try (var files = Files.walk(secretStore)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /**
   * Puts {@code value} in the store under {@code key}; returns the reference a call carries
   * instead.
   */
  protected Map<String, Object> secretRef(String key, String value) {
    try {
      Files.writeString(secretStore.resolve(key), value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Fixtures.map(
        "valueFrom", Fixtures.map("secretRef", Fixtures.map("store", STORE, "key", key)));
  }

  /** Lets the simulated controllers run until the estate is still. */
  protected void settle() {
    cluster.settle(200);
  }

  protected WriteTool write(String name) {
    return (WriteTool) registry.find(name).orElseThrow();
  }

  /** The schema check the activity layer runs before any tool code. */
  protected ToolArgs valid(ToolCall call) {
    List<String> problems = registry.resolve(call).problems();
    if (!problems.isEmpty()) {
      throw new AssertionError("invalid call " + call + ": " + problems);
    }
    return new ToolArgs(call.args());
  }

  /** Preview, then execute with the previewed snapshot as the approved target: the gate's path. */
  protected Execution approveAndRun(ToolCall call) {
    ToolArgs args = valid(call);
    WriteTool tool = write(call.tool());
    Preview p = tool.preview(ctx, args);
    return tool.execute(ctx, args, p.target());
  }

  protected Observation observe(ToolCall call, Execution e) {
    return write(call.tool()).observe(ctx, valid(call), e);
  }

  /** The real polling loop, with a short budget. */
  protected Verification verify(ToolCall call, Execution e) {
    return new VerificationLoop(Clock.systemUTC(), Duration.ofMillis(5), poll -> {})
        .run(Duration.ofSeconds(2), () -> observe(call, e));
  }

  protected String image(String ns, String name) {
    return client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName(name)
        .get()
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getImage();
  }
}
