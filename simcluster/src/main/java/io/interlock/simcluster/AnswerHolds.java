package io.interlock.simcluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Failure injection for crash tests: the answer to the next request matching a rule is held back
 * for a while after the request took effect (a write is persisted and counted first), so a test can
 * kill the caller while its request is in flight. Dry runs are never held. The answer is delayed by
 * a timer, never by blocking the server's event loop.
 */
final class AnswerHolds {

  /**
   * One rule: hold the answer to the next non-dry-run {@code method path} once the log has {@code
   * afterMutations} lines.
   */
  record Rule(String method, String path, long afterMutations, Duration hold) {}

  private final List<Rule> rules = new ArrayList<>();
  private final List<String> held = new ArrayList<>();

  synchronized void add(Rule rule) {
    rules.add(rule);
  }

  synchronized void clear() {
    rules.clear();
  }

  /** The response, delayed when a rule matches; a matching rule is used up. */
  synchronized MockResponse apply(RecordedRequest request, long mutations, MockResponse response) {
    String full = request.getPath();
    if (full.contains("dryRun=")) {
      return response;
    }
    int q = full.indexOf('?');
    String path = q < 0 ? full : full.substring(0, q);
    String method = request.getMethod().toUpperCase();
    for (Rule r : rules) {
      if (r.method().equals(method) && r.path().equals(path) && mutations >= r.afterMutations()) {
        rules.remove(r);
        held.add(method + " " + path);
        return response.setBodyDelay(r.hold());
      }
    }
    return response;
  }

  synchronized ObjectNode describe() {
    ObjectNode out = ObjectTrees.object();
    ArrayNode h = out.putArray("held");
    held.forEach(h::add);
    ArrayNode pending = out.putArray("rules");
    for (Rule r : rules) {
      pending
          .addObject()
          .put("method", r.method())
          .put("path", r.path())
          .put("afterMutations", r.afterMutations())
          .put("holdSeconds", r.hold().toSeconds());
    }
    return out;
  }
}
