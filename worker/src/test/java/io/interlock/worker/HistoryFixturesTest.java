package io.interlock.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.worker.audit.AuditReport;
import io.interlock.worker.audit.HashChain;
import io.interlock.worker.audit.HistoryRuns;
import io.interlock.worker.audit.Replay;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Committed histories of real tasks (this module's, saved by DevStackTest, and the gate tests' from
 * activities/; both kept in workflows/src/test/resources/histories, where HistoryReplayTest replays
 * them): the current workflow code must replay them, and the audit report must be built from them
 * alone.
 */
class HistoryFixturesTest {
  private static final Path OURS = Path.of("../workflows/src/test/resources/histories/dev-server");

  /** The gate tests' fixtures (approved, rejected, rolled back). */
  private static final Path GATE = Path.of("../workflows/src/test/resources/histories/gate");

  static Stream<Path> fixtures() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path dir : List.of(OURS, GATE)) {
      try (Stream<Path> s = Files.list(dir)) {
        files.addAll(s.filter(p -> p.toString().endsWith(".json")).sorted().toList());
      }
    }
    assertThat(files)
        .as("fixture histories in %s and %s", OURS, GATE)
        .hasSizeGreaterThanOrEqualTo(6);
    return files.stream();
  }

  /** One field of each element (not of nested objects, as findValuesAsText would). */
  private static List<String> values(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(e -> out.add(e.path(field).asText()));
    return out;
  }

  private static AuditReport report(Path file) throws IOException {
    return AuditReport.fromHistory(HistoryRuns.read(List.of(file)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  @DisplayName(
      "given a saved history, replaying it against the current AgentTaskImpl should be deterministic")
  void replays(Path history) throws IOException {
    List<Replay.Outcome> outcomes = Replay.run(HistoryRuns.read(List.of(history)));
    assertThat(outcomes).allSatisfy(o -> assertThat(o.deterministic()).as(o.error()).isTrue());
  }

  @Test
  @DisplayName(
      "given a history the current code would not produce, replay should report it as non-deterministic")
  void detectsNonDeterminism() throws Exception {
    // The workflow scheduled Look here; claiming it scheduled Execute is a change of code path.
    String original = Files.readString(OURS.resolve("rest-approval-with-refusals.json"));
    String altered = original.replaceFirst("\"name\": \"Look\"", "\"name\": \"Execute\"");
    assertThat(altered).as("the fixture schedules a Look activity").isNotEqualTo(original);
    Path file = Files.createTempFile("altered", ".json");
    Files.writeString(file, altered);
    List<Replay.Outcome> outcomes = Replay.run(HistoryRuns.read(List.of(file)));
    assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.deterministic()).isFalse());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  @DisplayName("given a saved history, the audit report should be complete, exact and verify")
  void audits(Path history) throws IOException {
    AuditReport report = report(history);
    assertThat(HashChain.verify(report.toJsonTree()).intact()).isTrue();
    assertThat(report.task().has("missingAuditSeq")).as("audit seq gap-free").isFalse();
    assertThat(report.task().path("requester").asText()).isNotBlank();
    assertThat(report.step("s1")).isNotNull();
    for (ObjectNode e : report.entries()) {
      if (!e.path("kind").asText().equals("STEP")) {
        continue;
      }
      JsonNode s = e.path("detail");
      assertThat(s.path("callJson").asText())
          .as(s.path("stepId").asText())
          .startsWith("{\"args\":");
      if (s.has("approvalRequest")) {
        assertThat(s.path("callHash").asText()).startsWith("sha256:");
        assertThat(s.path("approvalRequest").path("hashMatchesCanonicalCall").asBoolean()).isTrue();
        assertThat(s.path("preview").path("target").path("uid").asText()).isNotBlank();
        assertThat(s.path("policyDecisions").get(0).path("policyVersion").asText())
            .startsWith("sha256:");
      }
      // Every approval, rejection and refusal is tied to the signal or update the server recorded.
      s.path("approvals")
          .forEach(
              a -> assertThat(a.path("serverIdentity").asText()).as(a.toString()).isNotBlank());
      if (s.has("execution")) {
        assertThat(s.path("execution").path("startedAt").asText()).isNotBlank();
        assertThat(s.path("delta")).isNotEmpty();
        assertThat(s.path("verification").path("evidence")).isNotEmpty();
      }
    }
    assertThat(report.toMarkdown()).contains("## Step s1");
  }

  @Test
  @DisplayName(
      "given an approval over REST after two refusals, the report shows each with why and the server identity")
  void restApproval() throws IOException {
    JsonNode s1 = report(OURS.resolve("rest-approval-with-refusals.json")).step("s1");
    JsonNode a = s1.path("approvals");
    assertThat(a).hasSize(3);
    assertThat(values(a, "outcome")).containsExactly("refused", "refused", "accepted");
    assertThat(a.get(0).path("why").asText()).contains("callHash mismatch");
    assertThat(a.get(1).path("why").asText()).contains("not allowed by policy");
    assertThat(values(a, "serverIdentity"))
        .containsExactly("interlock-api:alice", "interlock-api:carol", "interlock-api:alice");
    assertThat(values(a, "via")).containsOnly("update decide");
    assertThat(values(s1.path("policyDecisions"), "stage")).containsExactly("PROPOSE", "RECHECK");
    assertThat(s1.path("state").asText()).isEqualTo("VERIFIED");
    assertThat(s1.path("delta").toString()).contains("spec.replicas");
  }

  @Test
  @DisplayName(
      "given approvals as raw Temporal signals, the report shows the approver claimed and the identity the server recorded")
  void rawSignalApproval() throws IOException {
    JsonNode a = report(OURS.resolve("raw-signal-approval.json")).step("s1").path("approvals");
    assertThat(values(a, "approver")).containsExactly("dave", "bob", "bob");
    assertThat(values(a, "outcome")).containsExactly("refused", "refused", "accepted");
    assertThat(a.get(1).path("why").asText()).contains("no proof");
    assertThat(a.get(2).path("proof").path("keyType").asText()).isEqualTo("ssh-ed25519");
    assertThat(values(a, "serverIdentity")).containsOnly("temporal-cli@laptop");
    assertThat(values(a, "via")).containsOnly("signal approve");
  }

  @Test
  @DisplayName(
      "given a task still waiting for approval, a raw signal's refusal shows with why and the server identity")
  void runningTaskShowsRawSignalRefusal() throws IOException {
    WorkflowExecutionHistory whole =
        HistoryRuns.read(List.of(OURS.resolve("raw-signal-approval.json"))).get(0);
    List<HistoryEvent> events = whole.getEvents();
    // Cut the history right after the first refusal's marker: the task is still awaiting approval
    // there.
    int cut = 0;
    while (!(events.get(cut).getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED
        && events
            .get(cut)
            .getMarkerRecordedEventAttributes()
            .getDetailsOrThrow("data")
            .getPayloads(0)
            .getData()
            .toStringUtf8()
            .contains("\"kind\":\"REFUSED\""))) {
      cut++;
    }
    AuditReport report =
        AuditReport.fromHistory(
            List.of(
                new WorkflowExecutionHistory(
                    History.newBuilder().addAllEvents(events.subList(0, cut + 1)).build())));
    assertThat(report.task().path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(report.task().path("finished").asBoolean()).isFalse();
    JsonNode refusal = report.step("s1").path("approvals").get(0);
    assertThat(report.step("s1").path("approvals")).hasSize(1);
    assertThat(refusal.path("outcome").asText()).isEqualTo("refused");
    assertThat(refusal.path("approver").asText()).isEqualTo("dave");
    assertThat(refusal.path("why").asText()).contains("not allowed by policy");
    assertThat(refusal.path("serverIdentity").asText()).isEqualTo("temporal-cli@laptop");
    assertThat(report.toMarkdown())
        .contains("temporal-cli@laptop", "refused", "history ends before the task did");
  }

  @Test
  @DisplayName(
      "given a self-approval then a rejection, the report shows the refusal's why and the rejection's reason")
  void refusedThenRejected() throws IOException {
    JsonNode s1 = report(OURS.resolve("self-approval-refused-then-rejected.json")).step("s1");
    assertThat(s1.path("state").asText()).isEqualTo("REJECTED");
    // The agent never finished this task: the history ends with the task halted by the rejection.
    JsonNode task = report(OURS.resolve("self-approval-refused-then-rejected.json")).task();
    assertThat(task.path("state").asText()).isEqualTo("HALTED");
    assertThat(task.path("finished").asBoolean()).isFalse();
    assertThat(s1.path("approvals").get(0).path("why").asText()).contains("self-approval");
    assertThat(s1.path("approvals").get(1).path("decision").asText()).isEqualTo("reject");
    assertThat(s1.path("approvals").get(1).path("reason").asText()).isNotBlank();
    assertThat(s1.has("execution")).isFalse();
  }

  @Test
  @DisplayName(
      "given a failed verification, the rollback step is linked to the step it undoes and gated like any write")
  void rollbackLinked() throws IOException {
    AuditReport report = report(GATE.resolve("rollback.json"));
    JsonNode s1 = report.step("s1");
    JsonNode s2 = report.step("s2");
    assertThat(s1.path("state").asText()).isEqualTo("VERIFICATION_FAILED");
    assertThat(s1.path("verification").path("evidence")).isNotEmpty();
    assertThat(s1.path("rolledBackBy").asText()).isEqualTo("s2");
    assertThat(s2.path("rollbackOf").asText()).isEqualTo("s1");
    assertThat(s2.path("proposedBy").asText()).isEqualTo("engine");
    assertThat(values(s2.path("approvals"), "outcome")).contains("accepted");
    assertThat(values(s2.path("policyDecisions"), "stage")).containsExactly("PROPOSE", "RECHECK");
  }
}
