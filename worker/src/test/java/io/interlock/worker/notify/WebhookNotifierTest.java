package io.interlock.worker.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.interlock.contract.values.PendingApproval;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.contract.values.PolicyStage;
import io.interlock.contract.values.TargetRef;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The webhook notifier against real local HTTP receivers: one that works, and several that do not.
 */
class WebhookNotifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LinkedBlockingQueue<String> bodies = new LinkedBlockingQueue<>();
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  @DisplayName(
      "given a working receiver, an approval request arrives as Slack JSON with the call, the diff and the link")
  void deliversSlackJson() throws Exception {
    URI url = receiver(200);
    WebhookNotifier notifier =
        new WebhookNotifier(
            Optional.of(url), Duration.ofSeconds(3), "https://interlock.example.com/", true);

    assertThat(
            notifier
                .post(
                    SlackMessage.awaitingApproval(pending(), "https://interlock.example.com/"),
                    "t-1/s2")
                .get(30, TimeUnit.SECONDS))
        .isTrue();

    JsonNode body = JSON.readTree(bodies.poll(30, TimeUnit.SECONDS));
    assertThat(body.path("text").asText())
        .contains(
            "Approval needed in staging",
            "scale shop/web 2 -> 5",
            "https://interlock.example.com/task.html?id=t-1");
    String blocks = body.path("blocks").toString();
    assertThat(blocks)
        .contains(
            "k8s.scale",
            "Deployment shop/web",
            "+  replicas: 5",
            "sha256:abc",
            "approvals.sre",
            "\"url\":\"https://interlock.example.com/task.html?id=t-1\"");
    // Slack's control characters in user text are escaped, so a goal cannot forge links or
    // mentions.
    assertThat(blocks).contains("&lt;!channel&gt;").doesNotContain("<!channel>");
  }

  @Test
  @DisplayName(
      "given a receiver answering 500, a closed port or a hanging receiver, notifying returns at once and never throws")
  void failuresAreSwallowed() throws Exception {
    URI failing = receiver(500);
    URI closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = URI.create("http://127.0.0.1:" + s.getLocalPort() + "/hook");
    }
    CountDownLatch release = new CountDownLatch(1);
    HttpServer slow = hangingReceiver(release);
    URI hanging = URI.create("http://127.0.0.1:" + slow.getAddress().getPort() + "/hook");
    try {
      for (URI url : List.of(failing, closed, hanging)) {
        WebhookNotifier notifier =
            new WebhookNotifier(
                Optional.of(url), Duration.ofMillis(500), "http://localhost:8080", true);
        notifier.awaitingApproval(pending());
        notifier.settled("t-1", "s2", "APPROVED");
        assertThat(
                notifier
                    .post(SlackMessage.settled("t-1", "s2", "APPROVED", "http://x"), "t-1/s2")
                    .get(30, TimeUnit.SECONDS))
            .as("delivery to %s", url)
            .isFalse();
      }
    } finally {
      release.countDown();
      slow.stop(0);
    }
  }

  @Test
  @DisplayName("given no webhook URL, nothing is sent")
  void absentUrlIsSilent() throws Exception {
    WebhookNotifier notifier =
        new WebhookNotifier(Optional.empty(), Duration.ofSeconds(1), "http://localhost:8080", true);
    assertThat(notifier.enabled()).isFalse();
    notifier.awaitingApproval(pending());
    assertThat(notifier.post(SlackMessage.awaitingApproval(pending(), "http://x"), "t-1/s2").get())
        .isFalse();
  }

  private URI receiver(int status) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        exchange -> {
          bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  private static HttpServer hangingReceiver(CountDownLatch release) throws IOException {
    HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    slow.createContext(
        "/hook",
        exchange -> {
          try {
            // Never answers within the notifier's timeout.
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    slow.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    slow.start();
    return slow;
  }

  private static PendingApproval pending() {
    PolicyDecision policy =
        new PolicyDecision(
            true,
            "approvals.sre",
            "1 approval from sre",
            1,
            List.of("alice", "bob"),
            "sha256:policy",
            PolicyStage.PROPOSE,
            Map.of(),
            0,
            0,
            List.of());
    return new PendingApproval(
        "t-1",
        "s2",
        "staging",
        "agent:incident-bot",
        "scale up <!channel>",
        "k8s.scale",
        new TargetRef("apps/v1", "Deployment", "shop", "web", "uid-1", "42", true),
        "scale shop/web 2 -> 5",
        "--- live\n+++ intended\n@@ -1 +1 @@\n-  replicas: 2\n+  replicas: 5\n",
        "sha256:abc",
        policy,
        "2030-01-01T00:00:00Z",
        "2030-01-01T01:00:00Z");
  }
}
