package io.interlock.activities.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Requests the typed DSL cannot express exactly: server-side apply with an explicit field manager
 * and force flag, and deletes whose DeleteOptions carry both uid and resourceVersion preconditions.
 */
public final class ApiRequests {
  private static final long TIMEOUT_SECONDS = 30;

  private ApiRequests() {}

  /** One request; a 2xx answer's body as a tree, anything else as a KubernetesClientException. */
  public static JsonNode send(
      KubernetesClient client, String method, String path, String contentType, String body) {
    String url = client.getMasterUrl().toString().replaceAll("/$", "") + path;
    HttpRequest.Builder b =
        client
            .getHttpClient()
            .newHttpRequestBuilder()
            .uri(url)
            .header("Accept", "application/json");
    if (body != null) {
      b.method(method, contentType, body);
    } else {
      b.method(method, "application/json", "");
    }
    HttpResponse<String> r;
    try {
      r =
          client
              .getHttpClient()
              .sendAsync(b.build(), String.class)
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted: " + method + " " + path, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KubernetesClientException(method + " " + path + " failed: " + e.getMessage(), e);
    }
    String text = r.body();
    if (r.isSuccessful()) {
      try {
        return text == null || text.isBlank() ? Json.object() : Json.MAPPER.readTree(text);
      } catch (Exception e) {
        throw new KubernetesClientException(
            method + " " + path + ": unreadable answer: " + e.getMessage(), e);
      }
    }
    Status status = null;
    try {
      status = Json.MAPPER.readValue(text, Status.class);
    } catch (Exception notAStatus) {
      // Some servers answer errors as plain text; the code still says what happened.
    }
    if (status == null || status.getMessage() == null) {
      status = new Status();
      status.setCode(r.code());
      status.setMessage(
          text == null || text.isBlank()
              ? "HTTP " + r.code()
              : text.length() > 500 ? text.substring(0, 500) : text);
    }
    if (status.getCode() == null || status.getCode() == 0) {
      status.setCode(r.code());
    }
    throw new KubernetesClientException(status);
  }
}
