package io.interlock.simcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The crash tests' failure injection: a held answer arrives after its write took effect; admin
 * endpoints only when asked for.
 */
class AnswerHoldsTest {
  private static final String WEB = "/apis/apps/v1/namespaces/shop/deployments/web";
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  @DisplayName(
      "a held PUT is persisted and counted while its answer is still held; a dry run on the same path is answered at once")
  void heldAnswerAfterTheWrite() throws Exception {
    try (SimulatedCluster c = SimulatedCluster.builder().adminEndpoints(true).start().seedDemo()) {
      send(
          c,
          "POST",
          "/interlock-sim/holds",
          "{\"method\":\"PUT\",\"path\":\"" + WEB + "\",\"holdSeconds\":600}");
      String live = send(c, "GET", WEB, null).body();
      String scaled = live.replaceFirst("\"replicas\":\\d+", "\"replicas\":7");
      HttpResponse<String> dry = send(c, "PUT", WEB + "?dryRun=All", scaled);
      assertThat(dry.statusCode()).isEqualTo(200);
      assertThat(c.mutations()).isZero();
      CompletableFuture<HttpResponse<String>> write =
          http.sendAsync(request(c, "PUT", WEB, scaled), HttpResponse.BodyHandlers.ofString());
      await("the held PUT to be persisted")
          .atMost(java.time.Duration.ofSeconds(30))
          .until(c::mutations, n -> n == 1);
      assertThat(send(c, "GET", "/interlock-sim/mutations", null).body())
          .contains("\"count\":1")
          .contains("PUT " + WEB);
      assertThat(send(c, "GET", "/interlock-sim/holds", null).body())
          .contains("\"held\":[\"PUT " + WEB + "\"]")
          .contains("\"rules\":[]");
      assertThat(write).as("the answer is held back").isNotDone();
      assertThat(
              c.client()
                  .apps()
                  .deployments()
                  .inNamespace("shop")
                  .withName("web")
                  .get()
                  .getSpec()
                  .getReplicas())
          .isEqualTo(7);
      write.cancel(true);
    }
  }

  @Test
  @DisplayName(
      "without adminEndpoints(true) (dev mode's cluster) there are no /interlock-sim endpoints and nothing is held")
  void noAdminByDefault() throws Exception {
    try (SimulatedCluster c = SimulatedCluster.builder().start().seedDemo()) {
      assertThat(send(c, "GET", "/interlock-sim/mutations", null).statusCode()).isEqualTo(404);
      assertThat(
              send(
                      c,
                      "POST",
                      "/interlock-sim/holds",
                      "{\"method\":\"GET\",\"path\":\"" + WEB + "\",\"holdSeconds\":600}")
                  .statusCode())
          .isEqualTo(404);
      assertThat(send(c, "GET", WEB, null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("a hold without method, path or duration is refused with 400 naming what it needs")
  void badHoldRefused() throws Exception {
    try (SimulatedCluster c = SimulatedCluster.builder().adminEndpoints(true).start()) {
      HttpResponse<String> r =
          send(c, "POST", "/interlock-sim/holds", "{\"method\":\"PUT\",\"path\":\"" + WEB + "\"}");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("holdSeconds > 0");
    }
  }

  private HttpRequest request(SimulatedCluster c, String method, String path, String body) {
    return HttpRequest.newBuilder(URI.create(c.url() + path))
        .header("Content-Type", "application/json")
        .method(
            method,
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private HttpResponse<String> send(SimulatedCluster c, String method, String path, String body)
      throws Exception {
    return http.send(request(c, method, path, body), HttpResponse.BodyHandlers.ofString());
  }
}
