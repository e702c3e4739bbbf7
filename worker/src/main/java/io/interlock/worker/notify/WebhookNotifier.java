package io.interlock.worker.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.contract.values.PendingApproval;
import io.interlock.worker.inbox.ApprovalNotifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Posts approval requests to a Slack-compatible incoming webhook ({@code
 * interlock.notify.webhook-url}; absent = silent). Replaces the inbox's no-op notifier. Delivery is
 * asynchronous with a short timeout, and every failure is logged and dropped: the inbox activity
 * returns at once and a dead webhook never holds up, fails or retries a task.
 */
@ApplicationScoped
public class WebhookNotifier implements ApprovalNotifier {
  private static final Logger LOG = Logger.getLogger(WebhookNotifier.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Optional<URI> url;
  private final Duration timeout;
  private final String publicUrl;
  private final boolean settled;
  private final ExecutorService executor;
  private final HttpClient http;

  @Inject
  public WebhookNotifier(NotifyConfig config) {
    this(
        config.webhookUrl().filter(s -> !s.isBlank()).map(URI::create),
        config.timeout(),
        config.publicUrl(),
        config.settled());
  }

  public WebhookNotifier(Optional<URI> url, Duration timeout, String publicUrl, boolean settled) {
    this.url = url;
    this.timeout = timeout;
    this.publicUrl = publicUrl;
    this.settled = settled;
    // Daemon threads: a post in flight never keeps the JVM alive at shutdown.
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "interlock-webhook");
              t.setDaemon(true);
              return t;
            });
    this.http = HttpClient.newBuilder().connectTimeout(timeout).executor(executor).build();
  }

  public boolean enabled() {
    return url.isPresent();
  }

  @Override
  public void awaitingApproval(PendingApproval pending) {
    send(
        () -> SlackMessage.awaitingApproval(pending, publicUrl),
        pending.taskId() + "/" + pending.stepId());
  }

  @Override
  public void settled(String taskId, String stepId, String state) {
    if (settled) {
      send(() -> SlackMessage.settled(taskId, stepId, state, publicUrl), taskId + "/" + stepId);
    }
  }

  /** Builds the message only when there is a webhook to post it to (every gated write asks). */
  private void send(Supplier<ObjectNode> body, String what) {
    if (url.isPresent()) {
      post(body.get(), what);
    }
  }

  /**
   * Sends without waiting; the returned future completes (never exceptionally) once delivery ended.
   */
  CompletableFuture<Boolean> post(ObjectNode body, String what) {
    if (url.isEmpty()) {
      return CompletableFuture.completedFuture(false);
    }
    try {
      HttpRequest request =
          HttpRequest.newBuilder(url.get())
              .timeout(timeout)
              .header("Content-Type", "application/json; charset=utf-8")
              .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
              .build();
      return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .handle(
              (response, error) -> {
                if (error != null) {
                  Throwable cause =
                      error instanceof java.util.concurrent.CompletionException
                              && error.getCause() != null
                          ? error.getCause()
                          : error;
                  LOG.warnf(
                      "webhook notification for %s not delivered: %s", what, cause.toString());
                  return false;
                }
                if (response.statusCode() / 100 != 2) {
                  LOG.warnf(
                      "webhook notification for %s refused: HTTP %d", what, response.statusCode());
                  return false;
                }
                return true;
              });
    } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
      LOG.warnf("webhook notification for %s not sent: %s", what, e.toString());
      return CompletableFuture.completedFuture(false);
    }
  }

  @PreDestroy
  void close() {
    executor.shutdownNow();
  }
}
