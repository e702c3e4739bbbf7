package io.interlock.simcluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A kubeconfig naming the simulated cluster, so kubectl (or any client-go tool) can talk to it. */
final class Kubeconfig {

  static final String NAME = "interlock-simulated";

  private Kubeconfig() {}

  static String render(String url, String namespace) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s
        users:
        - name: %1$s
          user: {}
        contexts:
        - name: %1$s
          context:
            cluster: %1$s
            user: %1$s
            namespace: %3$s
        current-context: %1$s
        preferences: {}
        """
        .formatted(NAME, url, namespace);
  }

  static Path write(Path file, String url, String namespace) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, render(url, namespace));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write kubeconfig " + file, e);
    }
  }
}
