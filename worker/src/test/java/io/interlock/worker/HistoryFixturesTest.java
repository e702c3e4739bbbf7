package io.interlock.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.worker.audit.AuditReport;
import io.interlock.worker.audit.HashChain;
import io.interlock.worker.audit.HistoryRuns;
import io.interlock.worker.audit.Replay;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Committed histories of real tasks: the current workflow code must replay them, and audit them without a server. */
class HistoryFixturesTest {

  static Stream<Path> fixtures() throws IOException, URISyntaxException {
    Path dir = Path.of(HistoryFixturesTest.class.getResource("/histories").toURI());
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).as("fixture histories in src/test/resources/histories").isNotEmpty();
    return files.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  @DisplayName("given a saved history, replaying it against the current AgentTaskImpl should be deterministic")
  void replays(Path history) throws IOException {
    List<Replay.Outcome> outcomes = Replay.run(HistoryRuns.read(List.of(history)));
    assertThat(outcomes).allSatisfy(o -> assertThat(o.deterministic()).as(o.error()).isTrue());
  }

  @org.junit.jupiter.api.Test
  @DisplayName("given a history the current code would not produce, replay should report it as non-deterministic")
  void detectsNonDeterminism() throws Exception {
    Path original = fixtures().filter(p -> p.toString().contains("rest-approval")).findFirst().orElseThrow();
    // The workflow scheduled Preview here; claiming it scheduled Execute is a change of code path.
    String altered = Files.readString(original).replaceFirst("\"name\": \"Preview\"", "\"name\": \"Execute\"");
    Path file = Files.createTempFile("altered", ".json");
    Files.writeString(file, altered);
    List<Replay.Outcome> outcomes = Replay.run(HistoryRuns.read(List.of(file)));
    assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.deterministic()).isFalse());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  @DisplayName("given a saved history, the audit report should be built from it alone and verify")
  void audits(Path history) throws IOException {
    AuditReport report = AuditReport.fromHistory(HistoryRuns.read(List.of(history)));
    assertThat(HashChain.verify(report.toJsonTree()).intact()).isTrue();
    assertThat(report.step("s1")).isNotNull();
    assertThat(report.step("s1").path("callHash").asText()).startsWith("sha256:");
    assertThat(report.toMarkdown()).contains("## Step s1");
  }
}
