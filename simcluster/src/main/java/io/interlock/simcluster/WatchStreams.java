package io.interlock.simcluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Watches. Over a WebSocket (fabric8 clients) events stream until the client closes. Over plain
 * HTTP (kubectl, client-go) the mock web server cannot stream, so a watch answers the events since
 * the given resourceVersion and ends; with none pending it ends empty after a pause, and the client
 * simply watches again from the same resourceVersion (a long poll).
 */
final class WatchStreams {

  /** Longer than client-go's one second "very short watch" threshold. */
  private static final Duration EMPTY_POLL = Duration.ofMillis(1500);

  private final ObjectStore store;

  WatchStreams(ObjectStore store) {
    this.store = store;
  }

  MockResponse open(ResourceType t, ApiPath path, RecordedRequest request) {
    Selector selector = Selector.of(path.param("labelSelector"), path.param("fieldSelector"));
    String name = path.name();
    java.util.function.Predicate<ObjectStore.Event> wanted =
        e ->
            e.resourceType().equals(t)
                && (path.namespace() == null
                    || path.namespace()
                        .equals(e.object().path("metadata").path("namespace").asText()))
                && (name == null || name.equals(e.object().path("metadata").path("name").asText()))
                && selector.matches(e.object());
    String rv = path.param("resourceVersion");
    boolean websocket = "websocket".equalsIgnoreCase(String.valueOf(request.getHeader("Upgrade")));
    if (websocket) {
      return new MockResponse().withWebSocketUpgrade(new Listener(wanted, rv));
    }
    List<String> lines = new ArrayList<>();
    store.locked(() -> initial(wanted, rv).forEach(lines::add));
    MockResponse r =
        new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json");
    if (lines.isEmpty()) {
      // a bookmark keeps the client's resourceVersion and tells it the watch was not cut short
      ObjectNode bookmark = ObjectTrees.object().put("type", "BOOKMARK");
      ObjectNode o =
          bookmark.putObject("object").put("kind", t.kind()).put("apiVersion", t.apiVersion());
      ObjectTrees.meta(o)
          .put(
              "resourceVersion",
              rv == null || rv.isEmpty() ? Long.toString(store.resourceVersion()) : rv);
      return r.setBody(ObjectTrees.write(bookmark) + "\n").setBodyDelay(EMPTY_POLL);
    }
    return r.setBody(String.join("\n", lines) + "\n");
  }

  /** Synthetic ADDED events for a fresh watch, else the events after the given version. */
  private List<String> initial(java.util.function.Predicate<ObjectStore.Event> wanted, String rv) {
    List<String> out = new ArrayList<>();
    if (rv == null || rv.isEmpty() || rv.equals("0")) {
      long now = store.resourceVersion();
      for (ResourceType t : ResourceType.ALL) {
        for (ObjectNode o : store.list(t, null)) {
          ObjectStore.Event e = new ObjectStore.Event(now, "ADDED", t, o);
          if (wanted.test(e)) {
            out.add(frame(e));
          }
        }
      }
      return out;
    }
    Optional<List<ObjectStore.Event>> since = store.eventsSince(parse(rv));
    if (since.isEmpty()) {
      ObjectNode gone =
          new StatusException(
                  410, "Expired", "too old resource version: " + rv, null, null, List.of())
              .toStatus();
      ObjectNode frame = ObjectTrees.object().put("type", "ERROR");
      frame.set("object", gone);
      out.add(ObjectTrees.write(frame));
      return out;
    }
    since.get().stream().filter(wanted).forEach(e -> out.add(frame(e)));
    return out;
  }

  private static long parse(String rv) {
    try {
      return Long.parseLong(rv);
    } catch (NumberFormatException e) {
      throw StatusException.badRequest("invalid resourceVersion: " + rv);
    }
  }

  private static String frame(ObjectStore.Event e) {
    ObjectNode f = ObjectTrees.object().put("type", e.type());
    f.set("object", e.object());
    return ObjectTrees.write(f);
  }

  /** One WebSocket watch: the initial events, then every matching store event. */
  private final class Listener extends WebSocketListener {
    private final java.util.function.Predicate<ObjectStore.Event> wanted;
    private final String rv;
    private Consumer<ObjectStore.Event> forward;

    Listener(java.util.function.Predicate<ObjectStore.Event> wanted, String rv) {
      this.wanted = wanted;
      this.rv = rv;
    }

    @Override
    public void onOpen(WebSocket ws, Response response) {
      forward =
          e -> {
            if (wanted.test(e)) {
              ws.send(frame(e));
            }
          };
      store.locked(
          () -> {
            initial(wanted, rv).forEach(ws::send);
            store.addListener(forward);
          });
    }

    @Override
    public void onClosing(WebSocket ws, int code, String reason) {
      store.removeListener(forward);
      ws.close(code, reason);
    }

    @Override
    public void onClosed(WebSocket ws, int code, String reason) {
      store.removeListener(forward);
    }

    @Override
    public void onFailure(WebSocket ws, Throwable t, Response response) {
      store.removeListener(forward);
    }
  }
}
