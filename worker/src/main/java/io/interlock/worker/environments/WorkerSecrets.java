package io.interlock.worker.environments;

import io.interlock.activities.secrets.DigestKey;
import io.interlock.activities.secrets.SecretStores;
import io.interlock.worker.config.InterlockConfig;
import io.interlock.worker.proof.KeyReference;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * The secret stores and the Secret digest key every environment worker of this process uses ({@code
 * interlock.secrets.*}); read once, handed to the tools only, never to a payload or a log.
 */
@ApplicationScoped
public class WorkerSecrets {
  /** The dev mode's own store. */
  public static final String DEV_STORE = "dev";

  private static final Logger LOG = Logger.getLogger(WorkerSecrets.class);

  private final SecretStores stores;
  private final DigestKey digestKey;

  public WorkerSecrets(InterlockConfig config) {
    boolean dev = config.mode() == InterlockConfig.Mode.dev;
    Map<String, Path> dirs = new TreeMap<>();
    config.secrets().stores().forEach((name, dir) -> dirs.put(name, KeyReference.path(dir)));
    if (dev && !dirs.containsKey(DEV_STORE)) {
      dirs.put(DEV_STORE, createDirectory(KeyReference.path(config.dev().secretsDir())));
    }
    stores = SecretStores.of(dirs);
    digestKey = digestKey(config.secrets().digestKey(), dev);
  }

  public SecretStores stores() {
    return stores;
  }

  public DigestKey digestKey() {
    return digestKey;
  }

  private static DigestKey digestKey(String ref, boolean dev) {
    if (dev && ref.startsWith("file:") && !Files.exists(KeyReference.path(ref.substring(5)))) {
      writeNewKey(KeyReference.path(ref.substring(5)));
    }
    return KeyReference.read(ref)
        .map(DigestKey::parse)
        .orElseGet(
            () -> {
              LOG.warnf(
                  "interlock.secrets.digest-key %s names no key: Secret digests use a key of this process only, so an"
                      + " approved Secret write runs only on this worker until it restarts; give every worker of an environment"
                      + " the same key (base64 of 32 random bytes)",
                  ref);
              return DigestKey.ephemeral();
            });
  }

  private static void writeNewKey(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, DigestKey.generate() + "\n");
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the dev digest key " + file, e);
    }
  }

  private static Path createDirectory(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the dev secret store " + dir, e);
    }
  }
}
