package io.interlock.simcluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.List;

/**
 * The simulator's own test endpoints under {@value #PREFIX}, served only by a cluster built with
 * {@code adminEndpoints(true)} (the {@code sim-cluster} process of crash tests): the mutation log,
 * the oracle of crash and load tests, and the answer holds ({@link AnswerHolds}).
 *
 * <ul>
 *   <li>{@code GET /interlock-sim/mutations}: {@code {"count":N,"lines":["PUT /apis/...",...]}}
 *   <li>{@code POST /interlock-sim/holds} with {@code
 *       {"method","path","afterMutations","holdSeconds"}}
 *   <li>{@code GET /interlock-sim/holds}: answers held so far and rules still waiting
 *   <li>{@code DELETE /interlock-sim/holds}: drops the waiting rules
 * </ul>
 */
final class AdminEndpoints {
  static final String PREFIX = "/interlock-sim/";

  private final MutationLog mutations;
  private final AnswerHolds holds;

  AdminEndpoints(MutationLog mutations, AnswerHolds holds) {
    this.mutations = mutations;
    this.holds = holds;
  }

  static boolean addresses(RecordedRequest request) {
    return request.getPath().startsWith(PREFIX);
  }

  /** Status code and body for an admin request. */
  record Answer(int code, JsonNode body) {}

  Answer handle(RecordedRequest request) {
    String path = request.getPath().split("\\?")[0].substring(PREFIX.length());
    String method = request.getMethod().toUpperCase();
    return switch (path + " " + method) {
      case "mutations GET" -> {
        ObjectNode out = ObjectTrees.object().put("count", mutations.count());
        ArrayNode lines = out.putArray("lines");
        mutations.lines().forEach(lines::add);
        yield new Answer(200, out);
      }
      case "holds GET" -> new Answer(200, holds.describe());
      case "holds DELETE" -> {
        holds.clear();
        yield new Answer(200, holds.describe());
      }
      case "holds POST" -> {
        JsonNode b = ObjectTrees.parse(request.getUtf8Body());
        String m = b.path("method").asText("");
        String p = b.path("path").asText("");
        long seconds = b.path("holdSeconds").asLong(0);
        if (m.isEmpty() || !p.startsWith("/") || seconds <= 0) {
          throw new StatusException(
              400,
              "BadRequest",
              "a hold needs method, path (starting with /) and holdSeconds > 0;" + " got " + b,
              null,
              null,
              List.of());
        }
        holds.add(
            new AnswerHolds.Rule(
                m.toUpperCase(),
                p,
                b.path("afterMutations").asLong(0),
                Duration.ofSeconds(seconds)));
        yield new Answer(201, holds.describe());
      }
      default ->
          throw new StatusException(
              404,
              "NotFound",
              "no simulator endpoint "
                  + method
                  + " "
                  + PREFIX
                  + path
                  + "; there are mutations (GET) and holds (GET, POST, DELETE)",
              null,
              null,
              List.of());
    };
  }
}
