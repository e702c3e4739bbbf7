package io.interlock.worker.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The dev server's cluster as it runs outside the tests: the simcluster module's own jar as a child
 * process (failsafe, after package, so the jar exists).
 */
class SimClusterProcessIT {
  @Test
  @DisplayName(
      "given the dev server's starter, the simulated cluster should serve the demo estate from a child process, without test endpoints, and end when closed")
  void childProcess() throws Exception {
    Path kubeconfig = Files.createTempDirectory("interlock-dev-").resolve("kubeconfig");
    SimClusterProcess cluster =
        (SimClusterProcess) new DevClusterStarter().start(kubeconfig, Duration.ofSeconds(1));
    try (KubernetesClient client = cluster.newClient()) {
      assertThat(cluster.kubeconfig()).isEqualTo(kubeconfig.toAbsolutePath());
      assertThat(Files.readString(kubeconfig)).contains(cluster.url());
      assertThat(client.apps().deployments().inNamespace("shop").list().getItems())
          .extracting(d -> d.getMetadata().getName())
          .contains("web", "api");
      HttpResponse<String> admin =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(cluster.url() + "/interlock-sim/mutations"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(admin.statusCode()).as(admin.body()).isEqualTo(404);
    } finally {
      cluster.close();
    }
    assertThat(cluster.alive()).isFalse();
  }
}
