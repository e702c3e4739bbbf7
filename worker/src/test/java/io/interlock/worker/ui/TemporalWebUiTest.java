package io.interlock.worker.ui;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.worker.cli.InterlockCli;
import io.interlock.worker.dev.DevStack;
import io.interlock.worker.dev.InProcessClusterStarter;
import io.interlock.worker.temporal.TemporalCliDevServer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The operator's way through the Temporal Web UI (the real one {@code temporal server start-dev}
 * serves) in headless Chromium: find the waiting task by {@code InterlockTaskState}, open it, and
 * send {@code approve} through "Send a Signal" with the JSON {@code interlock sign} printed. The
 * simulated API server's mutation log is the oracle.
 */
@QuarkusTest
@WithTestResource(
    value = TemporalCliDevServer.class,
    initArgs = @ResourceArg(name = "ui", value = "true"))
class TemporalWebUiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AGENT = "dev-incident-bot";
  private static final String ALICE = "dev-alice";

  @Inject DevStack dev;

  @TestHTTPResource("/")
  URL server;

  @Test
  @DisplayName(
      "Temporal Web UI: an operator finds the waiting task, signals approve with alice's signed JSON, and the write runs exactly once")
  void approveThroughTheTemporalWebUi() throws Exception {
    assertThat(dev.usesExternalTemporal()).isTrue();
    String name = TestDeployments.ready(dev, "ui-ledger");
    long before = mutationsOf(name);
    String task = start("ui capacity for " + name);
    String hash = propose(task, name, 5);
    String signed = sign(task, "alice approves via the Web UI");

    try (Browser b = Browser.start()) {
      openFromTheWaitingList(b, task);
      fillSignal(b, signed);
      Path dialog = b.screenshot("temporal-ui-signal");
      submitSignal(b);
      JsonNode step =
          await("s1 VERIFIED after the UI's signal")
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> step(task),
                  s -> s.path("state").asText().matches("VERIFIED|FAILED|VERIFICATION_FAILED"));
      assertThat(step.path("state").asText()).as(step.toString()).isEqualTo("VERIFIED");
      assertThat(step.path("callHash").asText()).isEqualTo(hash);
      assertThat(step.path("approvals")).hasSize(1);
      assertThat(step.path("approvals").get(0).path("approver").asText()).isEqualTo("alice");
      assertThat(step.path("approvals").get(0).path("proof").path("verified").asBoolean()).isTrue();
      assertThat(mutationsOf(name))
          .as("writes to %s at the API server", name)
          .isEqualTo(before + 1);
      publishForReadme(dialog);
    }
  }

  @Test
  @DisplayName(
      "Temporal Web UI: the signed JSON with its comment edited in the signal box is refused and recorded; nothing is written")
  void editedProofThroughTheWebUiIsRefused() throws Exception {
    String name = TestDeployments.ready(dev, "ui-edited");
    long before = mutationsOf(name);
    String task = start("ui edited proof for " + name);
    propose(task, name, 6);
    ObjectNode edited = (ObjectNode) JSON.readTree(sign(task, "one replica more"));
    // What the operator types over the signed comment: the signature no longer covers the
    // statement.
    edited.put("comment", "one replica more, and whatever else");

    try (Browser b = Browser.start()) {
      openFromTheWaitingList(b, task);
      fillSignal(b, JSON.writeValueAsString(edited));
      submitSignal(b);
    }
    JsonNode step =
        await("the edited approval refused")
            .atMost(Duration.ofSeconds(30))
            .until(() -> step(task), s -> s.path("refusals").size() == 1);
    assertThat(step.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(step.path("approvals")).isEmpty();
    assertThat(step.path("refusals").get(0).path("why").asText())
        .contains("proof refused for 'alice'");
    assertThat(mutationsOf(name)).as("writes to %s at the API server", name).isEqualTo(before);
  }

  /**
   * The workflow list filtered the README's way, reloaded until visibility lists the task, then the
   * task's page.
   */
  private static void openFromTheWaitingList(Browser b, String task) {
    String list =
        ui()
            + "/namespaces/default/workflows?query="
            + URLEncoder.encode("InterlockTaskState=\"AWAITING_APPROVAL\"", StandardCharsets.UTF_8);
    b.driver.get(list);
    WebElement link =
        b.await(
            "task " + task + " in the UI's list of waiting tasks",
            d -> {
              var found = d.findElements(By.linkText(task));
              if (!found.isEmpty()) {
                return found.get(0);
              }
              // Reload only once the list has answered without it (visibility lags the workflow by
              // a moment).
              if (String.valueOf(b.driver.executeScript("return document.body.innerText"))
                  .contains("No Workflows Found")) {
                d.navigate().refresh();
              }
              return null;
            });
    link.click();
    b.await("the task's page", d -> d.getCurrentUrl().contains("/workflows/" + task + "/"));
  }

  /**
   * More Actions → Send a Signal, name {@code approve}, the JSON pasted as one input (as a paste,
   * no auto-closed brackets).
   */
  private static void fillSignal(Browser b, String json) {
    b.awaitVisible(
            "the More Actions menu", By.cssSelector("button[aria-controls='workflow-actions']"))
        .click();
    b.awaitVisible("Send a Signal", By.cssSelector("[data-testid='signal-button']")).click();
    chooseApprove(b);
    WebElement editor =
        b.awaitVisible(
            "the signal's data editor", By.cssSelector(".cm-content[contenteditable='true']"));
    editor.click();
    b.driver.executeCdpCommand("Input.insertText", Map.of("text", json));
    // Leaving the editor pretty-prints it, which moves the Submit button: settle before clicking.
    b.awaitVisible(
            "the dialog's title",
            By.xpath("//*[normalize-space(text())='Send a Signal' and not(@data-testid)]"))
        .click();
    b.await(
        "the pasted JSON, pretty-printed",
        d ->
            d.findElements(By.cssSelector(".cm-content[contenteditable='true']")).stream()
                    .anyMatch(e -> e.isDisplayed() && e.getText().lines().count() > 3)
                ? true
                : null);
  }

  /**
   * The UI lists the signals the worker declares (its metadata query) in a select; without a worker
   * it asks for a name.
   */
  private static void chooseApprove(Browser b) {
    WebElement field =
        b.awaitVisible(
            "the signal name select or field",
            By.cssSelector("[data-testid='signal-select-button'], input#signal-name"));
    if (field.getTagName().equals("input")) {
      field.sendKeys("approve");
      return;
    }
    field.click();
    b.awaitVisible(
            "'approve' among the workflow's signals",
            By.xpath(
                "//ul[@id='signal-select-select']/li[@role='option'][.//span[normalize-space(text())='approve']]"))
        .click();
  }

  private static void submitSignal(Browser b) {
    b.awaitVisible("the Submit button", By.cssSelector("[data-testid='confirm-modal-button']"))
        .click();
    b.await(
        "the UI's 'Workflow signaled.'",
        d ->
            String.valueOf(b.driver.executeScript("return document.body.innerText"))
                .contains("Workflow signaled."));
  }

  /**
   * The dialog picture the README shows, copied only on request (-Dscreenshots.publish=true) so CI
   * leaves the tree clean.
   */
  private static void publishForReadme(Path shot) throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    if (Boolean.getBoolean("screenshots.publish")
        && root != null
        && Files.exists(root.resolve("ui").resolve("pom.xml"))) {
      Path docs = root.resolve("docs").resolve("screenshots");
      Files.createDirectories(docs);
      Files.copy(shot, docs.resolve("temporal-ui-signal.png"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static String ui() {
    return ConfigProvider.getConfig().getValue(TemporalCliDevServer.UI_URL, String.class);
  }

  private static String start(String goal) {
    String id = "webui-" + UUID.randomUUID().toString().substring(0, 8);
    Response r =
        given()
            .auth()
            .oauth2(AGENT)
            .contentType(ContentType.JSON)
            .body(Map.of("taskId", id, "environment", "staging", "goal", goal))
            .post("/api/tasks");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    return id;
  }

  private static String propose(String task, String name, int replicas) throws Exception {
    Response r =
        given()
            .auth()
            .oauth2(AGENT)
            .contentType(ContentType.JSON)
            .body(
                Map.of(
                    "tool",
                    "k8s.scale",
                    "args",
                    Map.of("namespace", "shop", "name", name, "replicas", replicas)))
            .post("/api/tasks/" + task + "/steps");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
    JsonNode step = JSON.readTree(r.asString());
    assertThat(step.path("state").asText()).as(r.asString()).isEqualTo("AWAITING_APPROVAL");
    return step.path("callHash").asText();
  }

  /** What {@code interlock sign TASK s1 --as alice --key alice_ed25519} prints. */
  private String sign(String task, String comment) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        InterlockCli.run(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new ByteArrayInputStream(new byte[0]),
            new String[] {
              "sign",
              task,
              "s1",
              "--as",
              "alice",
              "--key",
              dev.keys().resolve("alice_ed25519").toString(),
              "--comment",
              comment,
              "--token",
              ALICE,
              "--server",
              server.toString()
            });
    assertThat(code).as(err.toString()).isZero();
    return out.toString().trim();
  }

  private static JsonNode step(String task) {
    Response r = given().auth().oauth2(ALICE).get("/api/tasks/" + task);
    try {
      return JSON.readTree(r.asString()).path("steps").get(0);
    } catch (IOException e) {
      throw new AssertionError("not JSON from GET /api/tasks/" + task + ": " + r.asString(), e);
    }
  }

  /** Writes the simulated API server saw to this Deployment (its mutation log, reads excluded). */
  private long mutationsOf(String name) {
    String path = "/apis/apps/v1/namespaces/shop/deployments/" + name;
    return InProcessClusterStarter.of(dev).mutationLog().stream()
        .filter(l -> l.contains(path) && !l.startsWith("GET"))
        .count();
  }
}
