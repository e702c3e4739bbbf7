package io.interlock.worker.props;

import static io.interlock.worker.props.BadStartRequests.AGENT;
import static io.interlock.worker.props.BadStepRequests.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Generated bad REST requests against the running dev stack. Each is answered 4xx with JSON {error,
 * why, next} (a call the engine judges by its rules may instead come back 200 as a FAILED or
 * BLOCKED step, as documented); none starts, decides or runs anything, and no mutation reaches the
 * simulated API server; after each, the server still answers and a new task still runs a read. Run
 * by {@link RestPropertiesTest}, which starts the stack.
 */
class RestProperties {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /**
   * This property's own tasks, by placeholder: a running one, one whose write waits, one that
   * ended.
   */
  private final Map<String, String> targets = new HashMap<>();

  private int tries;

  // A try sends a few bad requests, then checks the server: more inputs for the cost of one check.

  @Provide
  Arbitrary<List<BadRequest>> starts() {
    return BadStartRequests.all().list().ofMinSize(1).ofMaxSize(4);
  }

  @Property(tries = 60)
  @Label("a bad task start is a 4xx with error, why and next, and starts nothing")
  void badStartsStartNothing(@ForAll("starts") List<BadRequest> starts) {
    long before = LiveStack.mutations();
    for (BadRequest start : starts) {
      String fresh = "prop-" + UUID.randomUUID();
      refusedWithReason(send(start.resolved(Map.of(BadStartRequests.NEW, fresh))), start);
      assertThat(send(get("/api/tasks/" + fresh)).status())
          .as("a task %s started by %s", fresh, start)
          .isEqualTo(404);
    }
    assertThat(LiveStack.mutations()).as("mutations").isEqualTo(before);
    theServerStillServes();
  }

  @Provide
  Arbitrary<List<BadRequest>> steps() {
    return BadStepRequests.all().list().ofMinSize(1).ofMaxSize(4);
  }

  @Property(tries = 60)
  @Label(
      "a bad step proposal is a 4xx with error, why and next, or a FAILED or BLOCKED step with its error; nothing runs")
  void badStepsRunNothing(@ForAll("steps") List<BadRequest> steps) {
    renewTargetsEvery(25);
    long before = LiveStack.mutations();
    for (BadRequest step : steps) {
      Answer answer = send(step.resolved(targets));
      if (answer.status() == 200) {
        JsonNode view = answer.json();
        assertThat(view.path("state").asText())
            .as(
                "the state of step %s (error %s) proposed by %s",
                view.path("stepId"), view.path("error"), step)
            .isIn("FAILED", "BLOCKED");
        assertThat(view.path("error").asText()).as("its error").isNotBlank();
      } else {
        refusedWithReason(answer, step);
      }
    }
    assertThat(LiveStack.mutations()).as("mutations").isEqualTo(before);
    theServerStillServes();
  }

  @Provide
  Arbitrary<List<BadRequest>> decisionBursts() {
    return BadDecisionRequests.all().list().ofMinSize(1).ofMaxSize(4);
  }

  @Property(tries = 60)
  @Label(
      "bad approvals and rejections, alone or a few at once, are 4xx with error, why and next; the write still waits")
  void badDecisionsDecideNothing(@ForAll("decisionBursts") List<BadRequest> burst) {
    renewTargetsEvery(25);
    long before = LiveStack.mutations();
    List<CompletableFuture<Answer>> answers =
        burst.stream().map(r -> sendAsync(r.resolved(targets))).toList();
    for (int i = 0; i < burst.size(); i++) {
      refusedWithReason(answers.get(i).join(), burst.get(i));
    }
    JsonNode write =
        send(get("/api/tasks/" + targets.get(BadDecisionRequests.WAITING)))
            .json()
            .path("steps")
            .get(0);
    assertThat(write.path("state").asText())
        .as("the waiting write: %s", write)
        .isEqualTo("AWAITING_APPROVAL");
    assertThat(write.path("approvals")).as("its approvals").isEmpty();
    assertThat(LiveStack.mutations()).as("mutations").isEqualTo(before);
    theServerStillServes();
  }

  @Provide
  Arbitrary<List<BadRequest>> reads() {
    return BadReadRequests.all().list().ofMinSize(1).ofMaxSize(6);
  }

  @Property(tries = 60)
  @Label("a task read of something that is not there is a 4xx with error, why and next")
  void badReadsAreRefused(@ForAll("reads") List<BadRequest> reads) {
    long before = LiveStack.mutations();
    for (BadRequest read : reads) {
      refusedWithReason(send(read.resolved(targets)), read);
    }
    assertThat(LiveStack.mutations()).as("mutations").isEqualTo(before);
    theServerStillServes();
  }

  @BeforeProperty
  void startTargets() {
    targets.put(BadStepRequests.IDLE, start(false));
    String waiting = start(false);
    JsonNode write = propose(waiting, BadStepRequests.scale());
    assertThat(write.path("state").asText()).as("%s", write).isEqualTo("AWAITING_APPROVAL");
    String hash = write.path("callHash").asText();
    targets.put(BadDecisionRequests.WAITING, waiting);
    targets.put(BadDecisionRequests.UPPER_HASH, hash.toUpperCase());
    targets.put(BadDecisionRequests.CUT_HASH, hash.substring(0, hash.length() - 1));
    targets.put(BadDecisionRequests.HASH, hash);
    String done = start(true);
    await("task " + done + " completed")
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> send(get("/api/tasks/" + done)).json().path("state").asText(),
            "COMPLETED"::equals);
    targets.put(BadStepRequests.DONE, done);
  }

  /**
   * A try adds at most four steps to the targets: fresh ones long before a task's 500-step limit
   * (shrinking adds tries).
   */
  private void renewTargetsEvery(int n) {
    if (++tries % n == 0) {
      startTargets();
    }
  }

  private void theServerStillServes() {
    assertThat(send(get("/api/tasks/" + targets.get(BadStepRequests.IDLE))).status())
        .as("a task read")
        .isEqualTo(200);
    String fresh = start(false);
    ObjectNode read = BadStartRequests.read();
    assertThat(propose(fresh, read).path("state").asText())
        .as("a new task's read")
        .isEqualTo("SUCCEEDED");
    assertThat(
            send(new BadRequest(
                    "finish", AGENT, "POST", "/api/tasks/" + fresh + "/finish", null, null))
                .status())
        .as("finishing it")
        .isEqualTo(202);
  }

  private static void refusedWithReason(Answer answer, BadRequest request) {
    assertThat(answer.status())
        .as("the status of %s (body %s)", request, answer.body())
        .isBetween(400, 499);
    JsonNode error = answer.json();
    for (String field : List.of("error", "why", "next")) {
      String text = error.path(field).asText();
      assertThat(text)
          .as("'%s' in %s, the answer to %s", field, answer.body(), request)
          .isNotBlank();
      // What the error repeats of the input never carries control or bidi characters to a terminal
      // or page.
      assertThat(text)
          .as("'%s' in %s, the answer to %s", field, answer.body(), request)
          .doesNotContainPattern("[\\p{Cc}\\p{Cf}]");
    }
  }

  private static String start(boolean finishWhenDone) {
    ObjectNode body =
        JSON.createObjectNode()
            .put("environment", "staging")
            .put("goal", "property target")
            .put("finishWhenDone", finishWhenDone);
    Answer a = send(BadRequest.post("start", AGENT, "/api/tasks", body));
    assertThat(a.status()).as(a.body()).isEqualTo(201);
    return a.json().path("taskId").asText();
  }

  private static JsonNode propose(String task, ObjectNode call) {
    Answer a = send(BadRequest.post("propose", AGENT, "/api/tasks/" + task + "/steps", call));
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json();
  }

  private static BadRequest get(String path) {
    return BadRequest.get("read", ALICE, path);
  }

  /** The status and body an HTTP request was answered with. */
  record Answer(int status, String body) {
    JsonNode json() {
      try {
        JsonNode node = JSON.readTree(body);
        return node == null ? JSON.missingNode() : node;
      } catch (Exception e) {
        throw new AssertionError("the answer is not JSON (status " + status + "): " + body, e);
      }
    }
  }

  static Answer send(BadRequest request) {
    return sendAsync(request).join();
  }

  private static CompletableFuture<Answer> sendAsync(BadRequest r) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(LiveStack.base() + r.path()))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + r.token())
            .header("Accept", "application/json")
            .method(
                r.method(),
                r.body() == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(r.body()));
    if (r.contentType() != null) {
      b.header("Content-Type", r.contentType());
    }
    return HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(resp -> new Answer(resp.statusCode(), resp.body()));
  }
}
