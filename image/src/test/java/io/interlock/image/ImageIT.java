package io.interlock.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The worker image as built (target/interlock-worker-image.tar, OCI), unpacked per its index and
 * manifest and run as its own user in a chroot ({@link Container}): what it contains, that its
 * entrypoint starts, and that it serves the API against a real Temporal server with the environment
 * deploy/install gives it.
 */
@DisplayName("the worker image (OCI tarball) runs as its non-root user without a container runtime")
class ImageIT {
  private static final Path TARBALL = Path.of(System.getProperty("interlock.image.tar"));
  private static Path work;
  private static OciImage image;
  private static Path rootfs;

  @BeforeAll
  static void unpack() throws IOException {
    work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "image-it-");
    image = OciImage.read(TARBALL, work.resolve("layout"));
    rootfs = image.unpack(work.resolve("rootfs"));
    System.out.printf(
        "image %s: %d bytes as a tarball, %d bytes of compressed layers (%d layers)%n",
        image.refName(),
        Files.size(TARBALL),
        image.compressedSize(),
        image.manifest().path("layers").size());
  }

  @AfterAll
  static void clean() throws IOException {
    try (Stream<Path> files = Files.walk(work)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(f -> f.toFile().delete());
    }
  }

  @Test
  @DisplayName(
      "given the image, it is named as deploy/install names it, runs as user 185 and has no shell or setuid file")
  void contents() throws IOException {
    assertThat(image.refName()).isEqualTo(System.getProperty("interlock.image"));
    for (JsonNode container : Install.containers()) {
      assertThat(container.path("image").asText()).isEqualTo(image.refName());
    }
    assertThat(image.user()).isEqualTo("185");
    assertThat(Files.readAllLines(rootfs.resolve("etc/passwd")))
        .contains("interlock:x:185:185:interlock:/home/interlock:/sbin/nologin");
    assertThat(image.entrypoint())
        .startsWith("/opt/java/bin/java")
        .endsWith("-jar", "/opt/interlock/quarkus-run.jar");
    assertThat(image.cmd()).containsExactly("serve");
    for (String shell :
        List.of("bin/sh", "bin/bash", "usr/bin/sh", "usr/bin/env", "sbin/nologin")) {
      assertThat(rootfs.resolve(shell)).as("a shell or tool in the image").doesNotExist();
    }
    List<Path> setuid = new ArrayList<>();
    try (Stream<Path> files = Files.walk(rootfs)) {
      files
          .filter(Files::isRegularFile)
          .forEach(
              f -> {
                if (isSetuid(f)) {
                  setuid.add(f);
                }
              });
    }
    assertThat(setuid).isEmpty();
  }

  @Test
  @DisplayName("given the entrypoint with --version, it prints the CLI's version and exits 0")
  void entrypointStarts() throws IOException {
    try (Container c =
        Container.start(
            image, rootfs, List.of("--version"), Map.of(), work.resolve("version.log"))) {
      int code = c.waitFor();
      assertThat(code).as(c.output()).isZero();
      assertThat(c.output()).contains("interlock 0.1.0");
    }
  }

  @Test
  @DisplayName(
      "given the API Deployment's environment and a real Temporal server, `serve` starts, answers its readiness probe and a token from config/application.properties")
  void servesTheApi() throws Exception {
    JsonNode api = Install.container("interlock-api");
    Map<String, String> env = new HashMap<>(Install.env(api));
    assertThat(env).containsEntry("INTERLOCK_ROLES", "api");
    // The mounts of the Deployment, as files: the policy ConfigMap and the tokens Secret.
    Path policy = rootfs.resolve(env.get("INTERLOCK_POLICY").substring(1));
    Files.createDirectories(policy.getParent());
    Files.copy(
        Path.of("../deploy/policy/interlock-policy.yaml"),
        policy,
        StandardCopyOption.REPLACE_EXISTING);
    Path tokens = rootfs.resolve("home/interlock/config/application.properties");
    Files.createDirectories(tokens.getParent());
    Files.writeString(tokens, "interlock.auth.tokens.image-it-token=alice\n");
    int port = freePort();
    try (TemporalDevServer temporal = TemporalDevServer.start(work.resolve("temporal"))) {
      env.put("INTERLOCK_TEMPORAL_TARGET", temporal.target());
      env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
      env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
      try (Container c =
          Container.start(image, rootfs, image.cmd(), env, work.resolve("serve-api.log"))) {
        c.awaitOutput("Interlock worker is up");
        String probe = api.path("readinessProbe").path("httpGet").path("path").asText();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ready = get(http, port, probe, null);
        assertThat(ready.statusCode()).as("GET %s: %s", probe, ready.body()).isEqualTo(200);
        assertThat(get(http, port, "/api/tasks", null).statusCode()).isEqualTo(401);
        assertThat(get(http, port, "/api/tasks", "image-it-token").statusCode())
            .as(c.output())
            .isEqualTo(200);
        assertThat(c.output())
            .contains("roles [api]", "Policy        /etc/interlock/policy/interlock-policy.yaml");
      }
    }
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static boolean isSetuid(Path f) {
    try {
      int mode = (Integer) Files.getAttribute(f, "unix:mode");
      return (mode & 06000) != 0;
    } catch (IOException | UnsupportedOperationException e) {
      throw new AssertionError("cannot read the mode of " + f + ": " + e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
