package io.interlock.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An OCI image tarball read the way a container runtime reads it: index.json names the manifest,
 * the manifest names the config and the layers, the layers are applied in order onto an empty root.
 */
record OciImage(Path layout, JsonNode index, JsonNode manifest, JsonNode config) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Unpacks {@code tarball} (an OCI image layout in a tar) into {@code dir} and reads it. */
  static OciImage read(Path tarball, Path dir) {
    if (!Files.isRegularFile(tarball)) {
      throw new AssertionError(
          "no image tarball "
              + tarball
              + ": build it with ./mvnw -B -Pimage -pl image -am verify (./interlock test does)");
    }
    tar(dir, "-xf", tarball.toString());
    JsonNode index = json(dir.resolve("index.json"));
    JsonNode manifest = json(blob(dir, index.path("manifests").path(0).path("digest").asText()));
    JsonNode config = json(blob(dir, manifest.path("config").path("digest").asText()));
    return new OciImage(dir, index, manifest, config);
  }

  /** The name the image carries in its index (org.opencontainers.image.ref.name). */
  String refName() {
    return index
        .path("manifests")
        .path(0)
        .path("annotations")
        .path("org.opencontainers.image.ref.name")
        .asText();
  }

  List<String> entrypoint() {
    return strings(config.path("config").path("Entrypoint"));
  }

  List<String> cmd() {
    return strings(config.path("config").path("Cmd"));
  }

  String user() {
    return config.path("config").path("User").asText();
  }

  String workingDir() {
    return config.path("config").path("WorkingDir").asText();
  }

  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String kv : strings(config.path("config").path("Env"))) {
      int eq = kv.indexOf('=');
      env.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return env;
  }

  /** Total size of the layer blobs (compressed), what a registry stores and a node pulls. */
  long compressedSize() {
    long total = 0;
    for (JsonNode layer : manifest.path("layers")) {
      total += layer.path("size").asLong();
    }
    return total;
  }

  /** The root file system: every layer, in manifest order, extracted onto {@code rootfs}. */
  Path unpack(Path rootfs) {
    for (JsonNode layer : manifest.path("layers")) {
      String type = layer.path("mediaType").asText();
      if (!type.endsWith("tar+gzip") && !type.endsWith(".tar")) {
        throw new AssertionError("layer media type " + type + " is not a tar or tar+gzip");
      }
      tar(rootfs, "-xzf", blob(layout, layer.path("digest").asText()).toString());
    }
    return rootfs;
  }

  private static Path blob(Path dir, String digest) {
    return dir.resolve("blobs").resolve(digest.replace(':', '/'));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static JsonNode json(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void tar(Path into, String mode, String archive) {
    try {
      Files.createDirectories(into);
      // Jib writes libarchive's creation-time headers; GNU tar warns about them and extracts fine.
      Process p =
          new ProcessBuilder(
                  "tar", "--warning=no-unknown-keyword", "-C", into.toString(), mode, archive)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new AssertionError("tar " + mode + " " + archive + " failed:\n" + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }
}
