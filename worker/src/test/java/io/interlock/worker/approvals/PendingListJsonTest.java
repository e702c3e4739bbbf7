package io.interlock.worker.approvals;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Map;
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
      "the full list is byte for byte the mapper's JSON of each caller's views (quotes, backslashes, </script>, non-ASCII in the goal), canApprove per caller, on every call")
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
      JsonNode listed =
          mapper.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(body);
      JsonNode me = mapper.readTree(given().auth().oauth2(caller).get("/api/me").asString());
      // The API's rule: an agent approves nothing, whatever its name.
      String user = me.path("kind").asText().equals("agent") ? "" : me.path("user").asText();
      List<PendingView> expected = new ArrayList<>();
      for (JsonNode e : listed) {
        PendingApproval p =
            pending.forTask(e.path("taskId").asText()).stream()
                .filter(x -> x.stepId().equals(e.path("stepId").asText()))
                .findFirst()
                .orElseThrow();
        expected.add(PendingView.of(p, user));
      }
      assertThat(new String(body, StandardCharsets.UTF_8))
          .as(caller)
          .isEqualTo(mapper.writeValueAsString(expected));
      JsonNode mine =
          listed.findParents("taskId").stream()
              .filter(n -> n.path("taskId").asText().equals(task))
              .findFirst()
              .orElseThrow();
      assertThat(mine.path("goal").asText()).isEqualTo(goal);
      assertThat(mine.path("canApprove").asBoolean())
          .as(caller + " may approve (alice is an approver; carol reviews; the agent asked)")
          .isEqualTo(caller.equals(ALICE));
    }
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
