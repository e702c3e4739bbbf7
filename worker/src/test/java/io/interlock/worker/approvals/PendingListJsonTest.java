package io.interlock.worker.approvals;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.contract.values.PendingApproval;
import io.interlock.worker.ToolCalls;
import io.interlock.worker.api.ApiModels.PendingView;
import io.interlock.worker.dev.DevStack;
import io.interlock.worker.inbox.PendingIndex;
import io.interlock.worker.ui.TestDeployments;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * GET /api/approvals sends each entry's JSON rendered once: the bytes must be exactly what the
 * API's own mapper makes of the views for that caller, awkward text and canApprove included.
 */
@QuarkusTest
class PendingListJsonTest {
  private static final String AGENT = "dev-incident-bot";
  private static final String ALICE = "dev-alice";
  private static final String CAROL = "dev-carol";

  @Inject DevStack dev;
  @Inject PendingIndex pending;
  @Inject ObjectMapper mapper;

  @Test
  @DisplayName(
      "each entry of the full list is byte for byte the mapper's JSON of the caller's view (quotes, backslashes, </script>, non-ASCII in the goal), canApprove per caller, oldest first, limit kept, on every call")
  void listIsTheMappersJsonForEachCaller() throws Exception {
    String name = TestDeployments.ready(dev, "listjson");
    String goal = "roll \"cart\" back \\ now </script> — ünïcödé ✓";
    String task = start(goal);
    given()
        .auth()
        .oauth2(AGENT)
        .contentType(ContentType.JSON)
        .body(ToolCalls.scale("shop", name, 3))
        .post("/api/tasks/" + task + "/steps")
        .then()
        .statusCode(200);

    for (String caller : List.of(ALICE, CAROL, AGENT, ALICE)) {
      byte[] body = given().auth().oauth2(caller).get("/api/approvals").asByteArray();
      JsonNode me = mapper.readTree(given().auth().oauth2(caller).get("/api/me").asString());
      // The API's rule: an agent approves nothing, whatever its name.
      String user = me.path("kind").asText().equals("agent") ? "" : me.path("user").asText();
      List<byte[]> elements = elements(body);
      assertThat(elements).as(caller).isNotEmpty();
      String since = "";
      boolean mineSeen = false;
      for (byte[] element : elements) {
        JsonNode e = mapper.readTree(element);
        assertThat(e.path("since").asText()).as("oldest first").isGreaterThanOrEqualTo(since);
        since = e.path("since").asText();
        // Another test's write may settle meanwhile: judge the entries the index still holds.
        Optional<PendingApproval> p =
            pending.forTask(e.path("taskId").asText()).stream()
                .filter(x -> x.stepId().equals(e.path("stepId").asText()))
                .findFirst();
        if (p.isPresent()) {
          assertThat(new String(element, StandardCharsets.UTF_8))
              .as(caller)
              .isEqualTo(mapper.writeValueAsString(PendingView.of(p.get(), user)));
        }
        if (e.path("taskId").asText().equals(task)) {
          mineSeen = true;
          assertThat(p).as("this test's write still waits").isPresent();
          assertThat(e.path("goal").asText()).isEqualTo(goal);
          assertThat(e.path("canApprove").asBoolean())
              .as(caller + " may approve (alice is an approver; carol reviews; the agent asked)")
              .isEqualTo(caller.equals(ALICE));
        }
      }
      assertThat(mineSeen).as(caller + " sees the write").isTrue();
      assertThat(
              elements(given().auth().oauth2(caller).get("/api/approvals?limit=1").asByteArray()))
          .as("limit=1")
          .hasSize(1);
    }
  }

  /**
   * The array's elements, each as the exact bytes the server sent; the whole body must be one JSON
   * array and nothing after it.
   */
  private List<byte[]> elements(byte[] body) throws Exception {
    mapper.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(body);
    List<byte[]> out = new ArrayList<>();
    try (JsonParser p = mapper.getFactory().createParser(body)) {
      assertThat(p.nextToken()).isEqualTo(JsonToken.START_ARRAY);
      while (p.nextToken() == JsonToken.START_OBJECT) {
        int from = (int) p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        int to = (int) p.currentLocation().getByteOffset();
        out.add(Arrays.copyOfRange(body, from, to));
      }
    }
    return out;
  }

  private static String start(String goal) {
    String id = "listjson-" + UUID.randomUUID();
    given()
        .auth()
        .oauth2(AGENT)
        .contentType(ContentType.JSON)
        .body(Map.of("taskId", id, "environment", "staging", "goal", goal))
        .post("/api/tasks")
        .then()
        .statusCode(201);
    return id;
  }
}
