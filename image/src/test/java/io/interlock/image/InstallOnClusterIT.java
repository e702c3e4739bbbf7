package io.interlock.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.workflows.proof.ProofSigner;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The production topology from the image, as deploy/install runs it: the API container (roles=api,
 * no cluster credentials) and the prod worker container (roles=worker, in-cluster config from a
 * real ServiceAccount token of deploy/rbac's worker), each in its own root file system, against a
 * real Temporal server and the real control plane.
 */
@DisplayName(
    "the image as deploy/install runs it: API and prod worker containers on a real cluster")
class InstallOnClusterIT {
  static final String WORKER_SA = "system:serviceaccount:interlock:interlock-worker-prod";
  static final ObjectMapper JSON = new ObjectMapper();
  static Path work;
  static RealCluster cluster;
  static TemporalDevServer temporal;
  static Container api;
  static Container worker;
  static int apiPort;
  static int workerPort;
  static HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void install() throws Exception {
    work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "install-it-");
    OciImage image =
        OciImage.read(Path.of(System.getProperty("interlock.image.tar")), work.resolve("layout"));
    Path apiRoot = image.unpack(work.resolve("rootfs-api"));
    Path workerRoot = image.unpack(work.resolve("rootfs-worker"));
    cluster = RealCluster.start();
    temporal = TemporalDevServer.start(work.resolve("temporal"));
    for (String ns : List.of("interlock", "shop", "payments")) {
      cluster.kubectl("create", "namespace", ns);
    }
    cluster.kubectl("apply", "-f", "../deploy/rbac/worker-prod.yaml");
    cluster.kubectl(
        "create", "deployment", "web", "--image=nginx:1.25", "--replicas=1", "-n", "shop");
    // Settled (revision annotation, ready pod) before the agent finds it, as on a live cluster.
    cluster.kubectl("rollout", "status", "deployment/web", "-n", "shop", "--timeout=120s");

    // The API's signing key (the interlock-keys Secret) and the policy that trusts it.
    String apiKey = ProofSigner.newEd25519Jwk("interlock-api-it");
    String policy =
        """
        groups:
          sre: [alice]
        identities:
          issuers:
            interlock-api: {jwks: [%s]}
        environments:
          prod:
            cluster: {inCluster: true}
            allowedNamespaces: [shop, payments]
            allowedTools: ["*"]
            approvals:
              groups: [sre]
              required: 1
        """
            .formatted(ProofSigner.publicJwk(apiKey));

    JsonNode apiSpec = Install.container("interlock-api");
    Map<String, String> apiEnv = new HashMap<>(Install.env(apiSpec));
    mount(apiRoot, apiEnv.get("INTERLOCK_POLICY"), policy);
    mount(apiRoot, apiEnv.get("INTERLOCK_API_SIGNING_KEY").substring("file:".length()), apiKey);
    mount(
        apiRoot,
        "/home/interlock/config/application.properties",
        "interlock.auth.tokens.it-bot=agent:bot\ninterlock.auth.tokens.it-alice=alice\n");
    apiPort = freePort();
    apiEnv.putAll(local(apiPort));
    api = Container.start(image, apiRoot, image.cmd(), apiEnv, work.resolve("api.log"));

    JsonNode workerSpec = Install.container("interlock-worker-prod");
    Map<String, String> workerEnv = new HashMap<>(Install.env(workerSpec));
    mount(workerRoot, workerEnv.get("INTERLOCK_POLICY"), policy);
    byte[] digestKey = new byte[32];
    new SecureRandom().nextBytes(digestKey);
    mount(
        workerRoot,
        workerEnv.get("INTERLOCK_SECRETS_DIGEST_KEY").substring("file:".length()),
        Base64.getEncoder().encodeToString(digestKey));
    // What the kubelet mounts for the pod's ServiceAccount, and the variables it sets.
    String sa = "/var/run/secrets/kubernetes.io/serviceaccount/";
    mount(
        workerRoot,
        sa + "token",
        cluster.kubectl("create", "token", "interlock-worker-prod", "-n", "interlock").strip());
    mount(workerRoot, sa + "ca.crt", Files.readString(cluster.ca()));
    mount(workerRoot, sa + "namespace", "interlock");
    URI server = URI.create(cluster.server());
    workerEnv.put("KUBERNETES_SERVICE_HOST", server.getHost());
    workerEnv.put("KUBERNETES_SERVICE_PORT", Integer.toString(server.getPort()));
    workerPort = freePort();
    workerEnv.putAll(local(workerPort));
    worker = Container.start(image, workerRoot, image.cmd(), workerEnv, work.resolve("worker.log"));

    api.awaitOutput("Interlock worker is up");
    worker.awaitOutput("Interlock worker is up");
  }

  @AfterAll
  static void stop() throws IOException {
    for (AutoCloseable c : new AutoCloseable[] {api, worker, temporal, cluster}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        System.err.println("stopping " + c + ": " + e);
      }
    }
    try (Stream<Path> files = Files.walk(work)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(f -> f.toFile().delete());
    }
  }

  @Test
  @DisplayName(
      "given an agent's scale over the API container, it waits for approval, then the worker container writes it exactly once with its ServiceAccount and it verifies")
  void approvedWriteRunsInTheWorker() throws Exception {
    HttpResponse<String> started =
        call(
            "POST",
            "/api/tasks",
            "it-bot",
            """
            {"taskId":"install-it-1","environment":"prod","goal":"scale web",
             "steps":[{"tool":"k8s.scale","args":{"namespace":"shop","name":"web","replicas":3}}]}
            """);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    JsonNode waiting =
        awaitStep("install-it-1", s -> s.path("state").asText().equals("AWAITING_APPROVAL"));
    assertThat(cluster.mutations(WORKER_SA, "/deployments/web")).isEmpty();

    HttpResponse<String> approved =
        call(
            "POST",
            "/api/tasks/install-it-1/steps/s1/approve",
            "it-alice",
            JSON.writeValueAsString(Map.of("callHash", waiting.path("callHash").asText())));
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
    JsonNode done =
        awaitStep(
            "install-it-1",
            s ->
                List.of("VERIFIED", "VERIFICATION_FAILED", "FAILED", "BLOCKED")
                    .contains(s.path("state").asText()));

    assertThat(done.path("state").asText()).as("%s", done).isEqualTo("VERIFIED");
    assertThat(cluster.mutations(WORKER_SA, "/deployments/web"))
        .singleElement()
        .asString()
        .startsWith("update /apis/apps/v1/namespaces/shop/deployments/web?");
    assertThat(
            cluster.kubectl(
                "get", "deployment", "web", "-n", "shop", "-o", "jsonpath={.spec.replicas}"))
        .isEqualTo("3");
    // The worker serves no HTTP (its readiness is a TCP connect): every path is 404.
    HttpResponse<String> fromWorker =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + workerPort + "/api/tasks"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(fromWorker.statusCode()).isEqualTo(404);
    assertThat(api.output()).contains("roles [api]");
    assertThat(worker.output()).contains("roles [worker]");
  }

  private static JsonNode awaitStep(String task, Predicate<JsonNode> done) throws Exception {
    return await("step s1 of " + task)
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              HttpResponse<String> r = call("GET", "/api/tasks/" + task, "it-alice", null);
              return r.statusCode() == 200
                  ? JSON.readTree(r.body()).path("steps").path(0)
                  : JSON.missingNode();
            },
            done);
  }

  private static HttpResponse<String> call(String method, String path, String token, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
            .timeout(Duration.ofMinutes(2))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A file where the Deployment mounts one (ConfigMap, Secret, ServiceAccount token). */
  private static void mount(Path rootfs, String path, String content) throws IOException {
    Path file = rootfs.resolve(path.substring(1));
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private static Map<String, String> local(int port) {
    return Map.of(
        "INTERLOCK_TEMPORAL_TARGET",
        temporal.target(),
        "QUARKUS_HTTP_HOST",
        "127.0.0.1",
        "QUARKUS_HTTP_PORT",
        Integer.toString(port));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
