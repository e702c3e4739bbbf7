package io.interlock.activities.k8s;

import static io.interlock.activities.k8s.Fixtures.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.interlock.activities.secrets.DigestKey;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.Preview;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "A Secret's content digest is keyed by the worker: it binds the content without letting anyone guess it offline")
class SecretContentHashTest extends DemoClusterTest {
  static final List<String> GUESSES = List.of("1234", "password", "hunter2", "admin", "letmein");

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes());
  }

  void pin(String value) {
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("pin")
                .withNamespace("shop")
                .endMetadata()
                .addToData("pin", b64(value))
                .build())
        .serverSideApply();
  }

  /**
   * What someone holding the history computes for a guess: the plain SHA-256 of the canonical
   * content.
   */
  String offlineGuess(JsonNode live, String guess) {
    ObjectNode o = (ObjectNode) strippedForTest(live);
    ((ObjectNode) o.get("data")).put("pin", b64(guess));
    return ContentHash.digest(o);
  }

  Preview labelPatch() {
    return write("k8s.patch")
        .preview(
            ctx,
            valid(
                new ToolCall(
                    "k8s.patch",
                    map(
                        "kind",
                        "Secret",
                        "namespace",
                        "shop",
                        "name",
                        "pin",
                        "patch",
                        map("metadata", map("labels", map("rotated", "yes")))))));
  }

  @Test
  @DisplayName(
      "given a Secret holding '1234', its contentHash (as k8s.diff and previews show it) matches no offline guess, not even the right one")
  void keyedDigestDefeatsGuessing() {
    pin("1234");
    JsonNode live = Json.tree(client.secrets().inNamespace("shop").withName("pin").get());
    JsonNode diff =
        ((io.interlock.activities.tools.ReadTool) registry.find("k8s.diff").orElseThrow())
            .read(
                ctx,
                valid(
                    new ToolCall(
                        "k8s.diff",
                        map(
                            "tool",
                            "k8s.delete",
                            "args",
                            map("kind", "Secret", "namespace", "shop", "name", "pin")))));
    String shown = diff.at("/target/contentHash").asText();

    assertThat(shown)
        .matches("hmac-sha256:[0-9a-f]{64}")
        .isEqualTo(labelPatch().target().contentHash());
    assertThat(offlineGuess(live, "1234"))
        .as("the guesser's method does reproduce the content")
        .isEqualTo(ContentHash.digest(strippedForTest(live)));
    for (String guess : GUESSES) {
      assertThat(shown).as(guess).isNotEqualTo(offlineGuess(live, guess));
    }
    assertThat(ContentHash.of(live, DigestKey.ephemeral()))
        .as("another worker key, another digest")
        .isNotEqualTo(shown);
  }

  @Test
  @DisplayName(
      "given the value changes between approval and execution, the digest changes and the write is refused TARGET_CHANGED, writing nothing")
  void changedValueStillDetected() {
    pin("1234");
    Preview approved = labelPatch();
    assertThat(labelPatch().target().contentHash())
        .as("stable for the same content and key")
        .isEqualTo(approved.target().contentHash());

    pin("1235");
    assertThat(labelPatch().target().contentHash()).isNotEqualTo(approved.target().contentHash());
    long before = cluster.mutations();
    assertThatThrownBy(
            () ->
                write("k8s.patch")
                    .execute(
                        ctx,
                        valid(
                            new ToolCall(
                                "k8s.patch",
                                map(
                                    "kind",
                                    "Secret",
                                    "namespace",
                                    "shop",
                                    "name",
                                    "pin",
                                    "patch",
                                    map("metadata", map("labels", map("rotated", "yes")))))),
                        approved.target()))
        .hasMessageContaining("target changed since approval")
        .extracting(x -> ((ToolException) x).type())
        .isEqualTo(FailureType.TARGET_CHANGED);
    assertThat(cluster.mutations()).isEqualTo(before);
  }

  @Test
  @DisplayName("objects other than Secrets keep their plain sha256 content hash")
  void otherKindsPlain() {
    JsonNode live = Json.tree(client.configMaps().inNamespace("shop").withName("web-config").get());
    assertThat(ContentHash.of(live, digestKey))
        .isEqualTo(ContentHash.digest(strippedForTest(live)))
        .startsWith("sha256:");
  }

  /** The content the README says is hashed: no status, no server bookkeeping. */
  private static JsonNode strippedForTest(JsonNode live) {
    ObjectNode o = live.deepCopy();
    o.remove("status");
    ObjectNode meta = (ObjectNode) o.get("metadata");
    List.of(
            "resourceVersion",
            "generation",
            "managedFields",
            "creationTimestamp",
            "uid",
            "selfLink")
        .forEach(meta::remove);
    return o;
  }
}
