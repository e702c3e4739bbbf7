package io.interlock.worker.crash;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.worker.FreePorts;
import io.interlock.worker.dev.DemoKeys;
import io.interlock.worker.dev.SimClusterProcess;
import io.interlock.worker.temporal.TemporalCli;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The production topology on one machine, each part its own process: the real Temporal server
 * ({@code temporal server start-dev} on a SQLite file), the simulated cluster ({@code interlock
 * sim-cluster}), the API ({@code interlock serve}, {@code interlock.roles=api}: REST and the task
 * workflows) and the staging worker ({@code interlock serve}, {@code interlock.roles=worker}: the
 * only process with the cluster's kubeconfig). Every part can be killed with SIGKILL and started
 * again on the same ports and files.
 */
final class Topology implements AutoCloseable {
  static final String AGENT = "crash-bot";
  static final String BOB = "crash-bob";
  static final String ALICE = "crash-alice";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration BOOT = Duration.ofSeconds(120);

  /** State of this topology: the Temporal SQLite file, logs, the kubeconfig. */
  final Path home;

  /** The user.home of every process: where the demo keys are. */
  final Path keysHome;

  private final String heap;
  final String temporalTarget;
  final String api;

  /** The worker process's HTTP port: it must answer nothing there. */
  final String workerHttp;

  final String sim;
  final ServerProcess temporal;
  final ServerProcess cluster;
  final ServerProcess apiProcess;
  final ServerProcess worker;
  private final TemporalCli cli;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private WorkflowServiceStubs stubs;

  /**
   * A topology whose state (SQLite file, logs, kubeconfig) lives in a new directory target/NAME-*.
   */
  Topology(String name, String workerVerifyPoll, String heap) {
    this(name, workerVerifyPoll, heap, null, List.of("staging"));
  }

  /**
   * The same with {@code policy} (null: the bundled one) loaded by the API and the worker, and the
   * worker serving {@code environments}, each through the simulated cluster's kubeconfig.
   */
  Topology(
      String name, String workerVerifyPoll, String heap, Path policy, List<String> environments) {
    this.heap = heap;
    Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
    if (!Files.exists(jar)) {
      throw new AssertionError(
          "no "
              + jar
              + ": the crash suite runs the packaged worker; run it with ./mvnw verify"
              + " (failsafe runs after package) or ./interlock test");
    }
    try {
      home = Files.createTempDirectory(Path.of("target").toAbsolutePath(), name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Keys where this JVM's user.home is (the build's own): the processes and in-process audit
    // checks share them.
    keysHome = Path.of(System.getProperty("user.home")).toAbsolutePath();
    DemoKeys.ensure(keysHome.resolve(".interlock/keys"), List.of("alice", "bob", "carol", "dave"));
    int[] ports = FreePorts.of(6);
    temporalTarget = "127.0.0.1:" + ports[0];
    api = "http://127.0.0.1:" + ports[3];
    workerHttp = "http://127.0.0.1:" + ports[5];
    cli = new TemporalCli(temporalTarget);
    temporal =
        new ServerProcess(
            "temporal",
            List.of(
                TemporalCli.binary().toString(),
                "server",
                "start-dev",
                "--headless",
                "--ip",
                "127.0.0.1",
                "--port",
                Integer.toString(ports[0]),
                "--http-port",
                Integer.toString(ports[1]),
                "--metrics-port",
                Integer.toString(ports[2]),
                "--db-filename",
                home.resolve("temporal.db").toString(),
                "--log-level",
                "error"),
            home.resolve("temporal.log"));
    Path kubeconfig = home.resolve("sim-kubeconfig");
    cluster =
        new ServerProcess(
            "sim-cluster",
            java(
                SimClusterProcess.jar(),
                List.of(),
                List.of(
                    "--port",
                    Integer.toString(ports[4]),
                    "--kubeconfig",
                    kubeconfig.toString(),
                    "--rollout-step",
                    "200ms")),
            home.resolve("sim-cluster.log"));
    sim = "http://127.0.0.1:" + ports[4];
    apiProcess =
        new ServerProcess(
            "api",
            java(
                jar,
                policyProps(
                    policy,
                    List.of(
                        "-Dinterlock.roles=api",
                        "-Dquarkus.http.port=" + ports[3],
                        "-Dinterlock.auth.tokens." + AGENT + "=agent:crash-bot",
                        "-Dinterlock.auth.tokens." + BOB + "=bob",
                        "-Dinterlock.auth.tokens." + ALICE + "=alice")),
                List.of("serve", "--temporal-target", temporalTarget)),
            home.resolve("api.log"));
    worker =
        new ServerProcess(
            "worker",
            java(
                jar,
                workerProps(policy, environments, kubeconfig, ports[5], workerVerifyPoll),
                List.of("serve", "--temporal-target", temporalTarget)),
            home.resolve("worker.log"));
  }

  private static List<String> policyProps(Path policy, List<String> props) {
    List<String> all = new ArrayList<>(props);
    if (policy != null) {
      all.add("-Dinterlock.policy=" + policy.toAbsolutePath());
    }
    return all;
  }

  private static List<String> workerProps(
      Path policy, List<String> environments, Path kubeconfig, int httpPort, String verifyPoll) {
    List<String> props =
        new ArrayList<>(
            List.of(
                "-Dinterlock.roles=worker",
                "-Dquarkus.http.port=" + httpPort,
                "-Dinterlock.environments=" + String.join(",", environments),
                "-Dinterlock.verify-poll-interval=" + verifyPoll));
    // One simulated cluster stands in for every environment's cluster.
    environments.forEach(e -> props.add("-Dinterlock.env." + e + ".kubeconfig=" + kubeconfig));
    return policyProps(policy, props);
  }

  private List<String> java(Path jar, List<String> props, List<String> args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Duser.home=" + keysHome,
                "-Dquarkus.http.host=127.0.0.1"));
    cmd.addAll(props);
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(args);
    return cmd;
  }

  Topology start() {
    startTemporal();
    cluster.start("simulated cluster serving", BOOT);
    apiProcess.start("Interlock worker is up", BOOT);
    worker.start("Interlock worker is up", BOOT);
    return this;
  }

  /**
   * Starts (or restarts, on the same SQLite file and ports) the Temporal server and waits until it
   * serves.
   */
  void startTemporal() {
    temporal.start(null, BOOT);
    try {
      await("the Temporal server answering SERVING on " + temporalTarget)
          .atMost(BOOT)
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                if (!temporal.alive()) {
                  throw new AssertionError(
                      "the Temporal server exited; its log:\n"
                          + ServerProcess.tail(temporal.logText()));
                }
                TemporalCli.Result health = cli.run("operator", "cluster", "health");
                return health.code() == 0 && health.out().contains("SERVING");
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "the Temporal server never answered SERVING on "
              + temporalTarget
              + "; its log:\n"
              + ServerProcess.tail(temporal.logText()),
          e);
    }
  }

  synchronized WorkflowClient temporalClient() {
    if (stubs == null) {
      stubs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(temporalTarget).build());
    }
    return WorkflowClient.newInstance(stubs);
  }

  // ---- the API, as the agent and the approvers use it ----------------------------------------

  HttpResponse<String> call(String token, String method, String path, Object body) {
    return callAt(api, token, method, path, body);
  }

  HttpResponse<String> callAt(String base, String token, String method, String path, Object body) {
    try {
      String json =
          body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofMinutes(5))
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .method(
                  method,
                  json == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(json));
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("API " + method + " " + path + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  JsonNode ok(String token, String method, String path, Object body) {
    HttpResponse<String> r = call(token, method, path, body);
    if (r.statusCode() / 100 != 2) {
      throw new AssertionError(
          method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return tree(r.body());
  }

  // ---- the simulated cluster: its API and its test endpoints ---------------------------------

  JsonNode simCall(String method, String path, String body) {
    try {
      HttpRequest r =
          HttpRequest.newBuilder(URI.create(sim + path))
              .timeout(Duration.ofSeconds(30))
              .header(
                  "Content-Type",
                  method.equals("PATCH") ? "application/merge-patch+json" : "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body))
              .build();
      HttpResponse<String> a = http.send(r, HttpResponse.BodyHandlers.ofString());
      if (a.statusCode() / 100 != 2) {
        throw new AssertionError(
            "simulated cluster "
                + method
                + " "
                + path
                + " answered "
                + a.statusCode()
                + ": "
                + a.body());
      }
      return tree(a.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  /** The simulated API server's mutation log: every persisted client write, in order. */
  List<String> mutations() {
    List<String> lines = new ArrayList<>();
    simCall("GET", "/interlock-sim/mutations", null)
        .path("lines")
        .forEach(l -> lines.add(l.asText()));
    return lines;
  }

  /**
   * Holds the answer to the next {@code method path} once the log has {@code afterMutations} lines.
   */
  void hold(String method, String path, long afterMutations, int seconds) {
    simCall(
        "POST",
        "/interlock-sim/holds",
        "{\"method\":\""
            + method
            + "\",\"path\":\""
            + path
            + "\",\"afterMutations\":"
            + afterMutations
            + ",\"holdSeconds\":"
            + seconds
            + "}");
  }

  List<String> held() {
    List<String> lines = new ArrayList<>();
    simCall("GET", "/interlock-sim/holds", null).path("held").forEach(l -> lines.add(l.asText()));
    return lines;
  }

  static JsonNode tree(String body) {
    try {
      return body == null || body.isBlank() ? JSON.nullNode() : JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + body);
    }
  }

  @Override
  public void close() {
    if (stubs != null) {
      stubs.shutdownNow();
    }
    worker.close();
    apiProcess.close();
    cluster.close();
    temporal.close();
  }
}
