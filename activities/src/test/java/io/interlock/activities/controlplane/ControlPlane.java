package io.interlock.activities.controlplane;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The real control plane of {@code deploy/control-plane} (kube-apiserver, kube-controller-manager,
 * kube-scheduler, etcd, kwok nodes), started once per test JVM by {@code start.sh} and stopped when
 * the JVM exits (a shutdown hook, and start.sh's own watch of this JVM's pid if the hook never
 * runs). It fails, never skips, when the binaries are missing: the message says how to build them.
 *
 * <p>Writes are counted from the API server's audit log ({@link #mutations}), so a test asserts on
 * what the server actually persisted, not on what a client believes it sent.
 */
public final class ControlPlane {
  private static final Path SCRIPTS =
      Path.of("../deploy/control-plane").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ControlPlane instance;

  private final Path dir;
  private final Path kubeconfig;
  private final Path auditLog;
  private final KubernetesClient admin;

  private ControlPlane(Path dir) {
    this.dir = dir;
    this.kubeconfig = dir.resolve("admin.kubeconfig");
    this.auditLog = dir.resolve("audit.log");
    this.admin = new KubernetesClientBuilder().withConfig(config(null, List.of())).build();
  }

  /** The control plane of this JVM, started on first use. */
  public static synchronized ControlPlane get() {
    if (instance == null) {
      instance = start();
      Runtime.getRuntime().addShutdownHook(new Thread(instance::stop));
    }
    return instance;
  }

  private static ControlPlane start() {
    Path out = temp("start-out");
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash",
                SCRIPTS.resolve("start.sh").toString(),
                "--watch",
                Long.toString(ProcessHandle.current().pid()))
            .redirectOutput(out.toFile())
            .redirectErrorStream(false)
            .redirectError(ProcessBuilder.Redirect.PIPE);
    try {
      Process p = pb.start();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(
            "deploy/control-plane/start.sh failed (exit "
                + (p.isAlive() ? "timeout" : p.exitValue())
                + "); build the control plane with deploy/control-plane/build.sh (./interlock test does) and rerun:\n"
                + err);
      }
      return new ControlPlane(Path.of(Files.readString(out).strip()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void stop() {
    admin.close();
    try {
      new ProcessBuilder("bash", SCRIPTS.resolve("stop.sh").toString(), dir.toString())
          .inheritIO()
          .start()
          .waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A system:masters client (fixtures, inspection): never the identity whose writes a test counts.
   */
  public KubernetesClient admin() {
    return admin;
  }

  public Path adminKubeconfig() {
    return kubeconfig;
  }

  /**
   * A client acting as {@code user} in {@code groups} (Impersonate-User/Group via the admin
   * credentials).
   */
  public KubernetesClient as(String user, List<String> groups) {
    return new KubernetesClientBuilder().withConfig(config(user, groups)).build();
  }

  /**
   * A client holding a real ServiceAccount token (TokenRequest API), as a worker in a cluster
   * would.
   */
  public KubernetesClient withServiceAccountToken(String namespace, String serviceAccount) {
    String token =
        admin
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(serviceAccount)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    Config c = config(null, List.of());
    c.setClientCertFile(null);
    c.setClientKeyFile(null);
    c.setClientCertData(null);
    c.setClientKeyData(null);
    c.setOauthToken(token);
    return new KubernetesClientBuilder().withConfig(c).build();
  }

  /** A fresh namespace, so tests sharing this control plane never see each other's objects. */
  public String newNamespace(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  /**
   * Writes the API server persisted for the acting identity ({@code user}, impersonated or not):
   * create/update/patch/delete that succeeded and were not dry runs or reviews. Waits until the
   * audit log has caught up with a marker write made now, so every write that returned before this
   * call is in it.
   */
  public List<String> mutations(String user) {
    return writeRequests(user).stream()
        .filter(e -> e.path("responseStatus").path("code").asInt(0) < 400)
        .map(e -> e.path("verb").asText() + " " + e.path("requestURI").asText())
        .filter(s -> !s.contains("dryRun="))
        .collect(Collectors.toList());
  }

  /**
   * Every request with a mutating verb the acting identity {@code user} sent, whatever the answer:
   * dry runs and refused ones included, as {@code "verb URI -> code"}. Waits for the audit log as
   * {@link #mutations} does.
   */
  public List<String> requests(String user) {
    return writeRequests(user).stream()
        .map(
            e ->
                e.path("verb").asText()
                    + " "
                    + e.path("requestURI").asText()
                    + " -> "
                    + e.path("responseStatus").path("code").asInt(0))
        .collect(Collectors.toList());
  }

  private List<JsonNode> writeRequests(String user) {
    String marker = "audit-marker-" + UUID.randomUUID();
    admin
        .configMaps()
        .inNamespace("default")
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName(marker)
                .endMetadata()
                .build())
        .create();
    return events(l -> l.contains(marker)).stream()
        .filter(e -> user.equals(actor(e)))
        .filter(
            e ->
                List.of("create", "update", "patch", "delete", "deletecollection")
                    .contains(e.path("verb").asText()))
        // Access and token reviews are "create"s that persist nothing.
        .filter(
            e -> {
              String uri = e.path("requestURI").asText();
              return !uri.startsWith("/apis/authorization.k8s.io/")
                  && !uri.startsWith("/apis/authentication.k8s.io/");
            })
        .toList();
  }

  /**
   * Every audit event up to the line that satisfies {@code until} (polled: the log is written after
   * the response).
   */
  private List<JsonNode> events(Predicate<String> until) {
    List<String> lines =
        await("the marker write in the audit log " + auditLog + " (is --audit-log-path set?)")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> Files.readAllLines(auditLog), all -> all.stream().anyMatch(until));
    int end = 0;
    while (!until.test(lines.get(end))) {
      end++;
    }
    return lines.subList(0, end).stream().map(ControlPlane::parse).toList();
  }

  /** Who a request acted as: the impersonated user when there is one. */
  private static String actor(JsonNode event) {
    JsonNode impersonated = event.path("impersonatedUser").path("username");
    return impersonated.isMissingNode()
        ? event.path("user").path("username").asText()
        : impersonated.asText();
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Config config(String user, List<String> groups) {
    try {
      Config c = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
      if (user != null) {
        c.setImpersonateUsername(user);
        c.setImpersonateGroups(groups.toArray(String[]::new));
      }
      c.setRequestTimeout(30_000);
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path temp(String name) {
    try {
      return Files.createTempFile("interlock-control-plane-" + name, ".txt");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
