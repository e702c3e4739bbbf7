package io.interlock.worker.ui;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.worker.dev.DevStack;
import io.interlock.worker.dev.InProcessClusterStarter;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The operators' web page in a real headless Chromium against the whole dev stack: sign in, find a
 * pending write, read its diff and deadline, approve it and watch it verify without reloading; see
 * who gets no button; and read the engine's reason when an approval from a stale page is refused.
 */
@QuarkusTest
class WebPageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AGENT = "dev-incident-bot";

  @Inject DevStack dev;

  @TestHTTPResource("/")
  URL server;

  @Test
  @DisplayName(
      "an approver signs in, finds the write in the inbox, sees its diff and deadline, approves, and watches it reach VERIFIED live")
  void approveFromTheInboxAndWatchItVerify() throws Exception {
    String name = deployment("checkout");
    String task = start(AGENT, "staging", "checkout is saturated: scale it out", null);
    JsonNode step =
        propose(
            AGENT,
            task,
            Map.of(
                "tool",
                "k8s.scale",
                "args",
                Map.of("namespace", "shop", "name", name, "replicas", 4)));
    String hash = step.path("callHash").asText();
    // More pending work, so the inbox shows its columns with several rows (and the README picture
    // is real).
    String other = start(AGENT, "staging", "roll web to the patched image", null);
    propose(
        AGENT,
        other,
        Map.of(
            "tool",
            "k8s.set-image",
            "args",
            Map.of("namespace", "shop", "name", deployment("web"), "image", "nginx:1.27.3")));
    String devTask = start("dev-carol", "dev", "try more api replicas in dev", null);
    propose(
        "dev-carol",
        devTask,
        Map.of(
            "tool",
            "k8s.scale",
            "args",
            Map.of("namespace", "shop", "name", deployment("api"), "replicas", 6)));

    try (Browser b = Browser.start()) {
      b.driver.get(server.toString());
      b.awaitVisible("the sign-in form", By.id("token-input")).sendKeys("dev-alice");
      b.driver.findElement(By.id("sign-in-button")).click();
      b.await("signed in as alice", d -> d.findElement(By.id("who")).getText().contains("alice"));

      WebElement row =
          b.awaitVisible(
              "the pending write in the inbox",
              By.cssSelector("tr.pending[data-task='" + task + "']"));
      assertThat(row.getText())
          .contains(
              "staging", "agent:incident-bot", "k8s.scale", "Deployment shop/" + name, "left");
      assertThat(row.getAttribute("class")).contains("mine");
      b.await(
          "the other pending writes",
          d -> d.findElements(By.cssSelector("tr.pending")).size() >= 3);
      b.await(
          "environments with their locks and freeze windows",
          d ->
              d.findElement(By.id("environments")).getText().contains("prod")
                  && d.findElements(By.cssSelector("#env-prod li.freeze")).size() >= 3);
      Path inbox = b.screenshot("inbox-laptop");
      publishForReadme(inbox);
      b.phone();
      b.awaitVisible(
          "the inbox row as a card", By.cssSelector("tr.pending[data-task='" + task + "']"));
      b.screenshot("inbox-phone");
      b.laptop();

      b.awaitVisible(
              "the review link", By.cssSelector("tr.pending[data-task='" + task + "'] a.review"))
          .click();
      WebElement article = b.awaitVisible("step s1 on the task page", By.id("step-s1"));
      b.driver.executeScript("window.__sameDocument = true");
      assertThat(article.getAttribute("data-state")).isEqualTo("AWAITING_APPROVAL");
      assertThat(article.findElement(By.cssSelector("pre.call")).getText())
          .contains("\"tool\": \"k8s.scale\"", "\"name\": \"" + name + "\"", "\"replicas\": 4");
      assertThat(article.findElements(By.cssSelector("pre.diff span.add")))
          .extracting(WebElement::getText)
          .contains("+  replicas: 4");
      assertThat(article.findElement(By.cssSelector(".deadline time.countdown")).getText())
          .contains("left");
      assertThat(article.findElement(By.cssSelector("code.call-hash")).getText()).isEqualTo(hash);
      assertThat(article.findElement(By.cssSelector(".policy .rule")).getText()).isNotBlank();
      assertThat(article.findElement(By.cssSelector(".policy .policy-version")).getText())
          .startsWith("sha256:");
      b.await(
          "the environment's lock and freeze strip",
          d -> d.findElement(By.id("environment")).getText().contains("staging"));
      b.screenshot("task-awaiting-laptop");

      article.findElement(By.cssSelector("input.comment")).sendKeys("capacity looks right");
      article.findElement(By.cssSelector("button.approve")).click();
      b.await(
          "step s1 VERIFIED without a reload",
          d -> "VERIFIED".equals(d.findElement(By.id("step-s1")).getAttribute("data-state")));
      assertThat(b.driver.executeScript("return window.__sameDocument === true")).isEqualTo(true);
      WebElement verified = b.driver.findElement(By.id("step-s1"));
      assertThat(verified.findElement(By.cssSelector(".verification")).getText())
          .contains("VERIFIED", "confidence");
      assertThat(verified.findElements(By.cssSelector(".evidence li"))).isNotEmpty();
      assertThat(verified.findElement(By.cssSelector(".approvals")).getText())
          .contains("alice", "capacity looks right", "verified (issuer interlock-api)");
      assertThat(b.driver.findElement(By.id("requester-proof")).getText())
          .isEqualTo("(verified (issuer interlock-api))");
      assertThat(verified.findElements(By.cssSelector("button.approve"))).isEmpty();
      b.await(
          "the audit timeline with the approval",
          d -> d.findElement(By.id("audit")).getText().contains("APPROVAL"));
      b.screenshot("task-verified-laptop");
      b.phone();
      b.awaitVisible("the task page on a phone", By.id("step-s1"));
      b.screenshot("task-verified-phone");
    }
    assertThat(mutations("/apis/apps/v1/namespaces/shop/deployments/" + name)).isEqualTo(1);
    assertThat(
            InProcessClusterStarter.of(dev)
                .client()
                .apps()
                .deployments()
                .inNamespace("shop")
                .withName(name)
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(4);
  }

  @Test
  @DisplayName(
      "the approve button is absent for the requester and for a reviewer; users with no say in the environment and other agents cannot open the task; an expired step says so")
  void noButtonForThoseWhoMayNotApprove() throws Exception {
    String name = deployment("bobs");
    String task = start("dev-bob", "staging", "bob's own change", null);
    propose(
        "dev-bob",
        task,
        Map.of(
            "tool", "k8s.scale", "args", Map.of("namespace", "shop", "name", name, "replicas", 3)));
    String expiring = start(AGENT, "staging", "a request nobody answers in time", 2L);
    propose(
        AGENT,
        expiring,
        Map.of(
            "tool", "k8s.scale", "args", Map.of("namespace", "shop", "name", name, "replicas", 5)));

    try (Browser b = Browser.start()) {
      signIn(b, "dev-bob", task);
      WebElement step = b.awaitVisible("bob's own step", By.id("step-s1"));
      assertThat(step.getAttribute("data-state")).isEqualTo("AWAITING_APPROVAL");
      b.awaitVisible("why bob cannot approve", By.cssSelector("#step-s1 .not-yours"));
      assertThat(step.findElements(By.cssSelector("button.approve"))).isEmpty();
      assertThat(step.findElement(By.cssSelector(".not-yours")).getText())
          .contains("You requested this call");

      signOut(b);
      signIn(b, "dev-carol", task);
      b.awaitVisible(
          "why carol, a reviewer, cannot approve", By.cssSelector("#step-s1 .not-yours"));
      assertThat(b.driver.findElements(By.cssSelector("button.approve"))).isEmpty();
      assertThat(b.driver.findElement(By.cssSelector("#step-s1 .not-yours")).getText())
          .contains("Only alice, bob may approve");

      // Neither dave (no say in staging) nor an agent that did not ask for it may even read the
      // task.
      for (String outsider : List.of("dev-dave", AGENT)) {
        signOut(b);
        signIn(b, outsider, task);
        b.await(
            outsider + " told there is no such task",
            d -> d.findElement(By.id("live")).getText().contains("No such task"));
        assertThat(b.driver.findElements(By.id("step-s1"))).isEmpty();
        assertThat(b.driver.findElements(By.cssSelector("button.approve"))).isEmpty();
      }

      signOut(b);
      signIn(b, "dev-alice", expiring);
      WebElement note =
          b.awaitVisible("the expiry explained", By.cssSelector("#step-s1 .step-note"));
      assertThat(b.driver.findElement(By.id("step-s1")).getAttribute("data-state"))
          .isEqualTo("EXPIRED");
      assertThat(note.getText()).contains("Expired", "Nothing ran", "propose the step again");
      assertThat(b.driver.findElements(By.cssSelector("button.approve"))).isEmpty();
    }
    assertThat(mutations("/apis/apps/v1/namespaces/shop/deployments/" + name)).isZero();
  }

  @Test
  @DisplayName(
      "an approval from a stale page (another approver rejected meanwhile) is refused by the engine, and the page shows why")
  void refusedApprovalShowsWhy() throws Exception {
    String name = deployment("stale");
    String task = start(AGENT, "staging", "scale while two people look", null);
    JsonNode proposed =
        propose(
            AGENT,
            task,
            Map.of(
                "tool",
                "k8s.scale",
                "args",
                Map.of("namespace", "shop", "name", name, "replicas", 7)));

    try (Browser b = Browser.start()) {
      signIn(b, "dev-alice", task);
      WebElement approve =
          b.awaitVisible("alice's approve button", By.cssSelector("#step-s1 button.approve"));
      // Alice's page stops hearing from the server (a dropped connection), so it keeps showing the
      // step as waiting.
      b.driver.executeScript(
          """
          window.__realFetch = window.fetch;
          window.fetch = (url, opts) => (!opts || !opts.method || opts.method === 'GET') && String(url).includes('/api/tasks/')
              ? Promise.reject(new TypeError('network connection lost'))
              : window.__realFetch(url, opts);""");
      b.await(
          "the page saying its view may be stale",
          d -> d.findElement(By.id("live")).getText().contains("stale"));
      // Meanwhile bob rejects it from his own screen.
      given()
          .auth()
          .oauth2("dev-bob")
          .contentType(ContentType.JSON)
          .body(
              Map.of(
                  "callHash",
                  proposed.path("callHash").asText(),
                  "reason",
                  "wrong service, the bottleneck is the db"))
          .post("/api/tasks/" + task + "/steps/s1/reject")
          .then()
          .statusCode(200);

      approve.click();
      WebElement refused =
          b.awaitVisible(
              "the refusal with the engine's reason",
              By.cssSelector("#step-s1 .action-result.refused"));
      assertThat(refused.getText())
          .contains("Approval refused by the engine", "step s1 is REJECTED, not AWAITING_APPROVAL");
      assertThat(b.driver.findElement(By.id("message")).getText()).contains("REJECTED");
      b.screenshot("task-refused-laptop");

      b.driver.executeScript("window.fetch = window.__realFetch");
      b.await(
          "the page catching up to REJECTED",
          d -> "REJECTED".equals(d.findElement(By.id("step-s1")).getAttribute("data-state")));
      WebElement step = b.driver.findElement(By.id("step-s1"));
      assertThat(step.findElement(By.cssSelector(".step-note")).getText())
          .contains("Rejected", "bob", "the bottleneck is the db");
      assertThat(step.findElement(By.cssSelector(".refusals")).getText())
          .contains("alice", "not AWAITING_APPROVAL");
      assertThat(step.findElements(By.cssSelector("button.approve"))).isEmpty();
    }
    assertThat(mutations("/apis/apps/v1/namespaces/shop/deployments/" + name)).isZero();
  }

  @Test
  @DisplayName(
      "when the target is edited after the preview, the approved step fails without mutating and the page says the target changed")
  void targetChangedIsExplained() throws Exception {
    String name = deployment("drift");
    String task = start(AGENT, "staging", "scale while someone edits by hand", null);
    propose(
        AGENT,
        task,
        Map.of(
            "tool", "k8s.scale", "args", Map.of("namespace", "shop", "name", name, "replicas", 3)));
    // Someone relabels the Deployment with kubectl after the approver's preview was taken.
    TestDeployments.put(dev, name, Map.of("app", name, "edited-by", "kubectl"));

    try (Browser b = Browser.start()) {
      signIn(b, "dev-alice", task);
      b.awaitVisible("alice's approve button", By.cssSelector("#step-s1 button.approve")).click();
      b.await(
          "step s1 FAILED",
          d -> "FAILED".equals(d.findElement(By.id("step-s1")).getAttribute("data-state")));
      WebElement note = b.driver.findElement(By.cssSelector("#step-s1 .step-note"));
      assertThat(note.getText())
          .contains("Target changed since approval", "Nothing was mutated", "fresh proposal");
      b.screenshot("task-target-changed-laptop");
    }
    assertThat(mutations("/apis/apps/v1/namespaces/shop/deployments/" + name)).isZero();
  }

  @Test
  @DisplayName(
      "an approver ticks two waiting writes in the inbox, reviews each exact call, diff and hash, approves them in one act, and both run once")
  void batchApproveFromTheInbox() throws Exception {
    String first = deployment("batch-a");
    String second = deployment("batch-b");
    String taskA = start(AGENT, "staging", "scale a for the incident", null);
    String taskB = start(AGENT, "staging", "scale b for the incident", null);
    String hashA =
        propose(
                AGENT,
                taskA,
                Map.of(
                    "tool",
                    "k8s.scale",
                    "args",
                    Map.of("namespace", "shop", "name", first, "replicas", 5)))
            .path("callHash")
            .asText();
    propose(
        AGENT,
        taskB,
        Map.of(
            "tool",
            "k8s.scale",
            "args",
            Map.of("namespace", "shop", "name", second, "replicas", 6)));

    try (Browser b = Browser.start()) {
      b.driver.get(server.toString());
      b.awaitVisible("the sign-in form", By.id("token-input")).sendKeys("dev-alice");
      b.driver.findElement(By.id("sign-in-button")).click();
      for (String task : List.of(taskA, taskB)) {
        b.awaitVisible(
                "the tick box of " + task,
                By.cssSelector("tr.pending[data-task='" + task + "'] input.pick"))
            .click();
      }
      b.await(
          "both steps under review",
          d -> d.findElements(By.cssSelector("#batch-list li.batch-item")).size() == 2);
      WebElement reviewA =
          b.driver.findElement(By.cssSelector("#batch-list li[data-task='" + taskA + "']"));
      assertThat(reviewA.findElement(By.cssSelector("pre.call")).getText())
          .contains("\"name\": \"" + first + "\"", "\"replicas\": 5");
      assertThat(reviewA.findElements(By.cssSelector("pre.diff span.add")))
          .extracting(WebElement::getText)
          .contains("+  replicas: 5");
      assertThat(reviewA.findElement(By.cssSelector("code.call-hash")).getText()).isEqualTo(hashA);
      b.driver.findElement(By.id("batch-comment")).sendKeys("incident 42: both");
      b.screenshot("inbox-batch-laptop");
      b.driver.findElement(By.id("batch-approve")).click();
      b.await(
          "both outcomes accepted",
          d ->
              d.findElements(By.cssSelector("#batch-results li[data-accepted='true']")).size()
                  == 2);
      assertThat(b.driver.findElement(By.id("batch-message")).getText())
          .contains("2 of 2 accepted", "sha256:");
    }
    for (String task : List.of(taskA, taskB)) {
      await(task + " verified")
          .atMost(Duration.ofMinutes(2))
          .until(
              () ->
                  given()
                      .auth()
                      .oauth2("dev-alice")
                      .get("/api/tasks/" + task)
                      .then()
                      .extract()
                      .path("steps[0].state"),
              s -> "VERIFIED".equals(s));
    }
    assertThat(mutations("/apis/apps/v1/namespaces/shop/deployments/" + first)).isEqualTo(1);
    assertThat(mutations("/apis/apps/v1/namespaces/shop/deployments/" + second)).isEqualTo(1);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private void signIn(Browser b, String token, String task) {
    b.driver.get(server + "task.html?id=" + task);
    b.awaitVisible(
            "the demo identity " + token,
            By.cssSelector("button.demo-identity[data-token='" + token + "']"))
        .click();
    b.await("signed in with " + token, d -> !d.findElements(By.id("me")).isEmpty());
  }

  private static void signOut(Browser b) {
    b.driver.findElement(By.id("sign-out")).click();
    b.awaitVisible("the sign-in form again", By.id("token-input"));
  }

  /**
   * The inbox picture the README shows, refreshed only on request (-Dscreenshots.publish=true) so
   * CI leaves the tree clean.
   */
  private static void publishForReadme(Path inbox) throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    if (Boolean.getBoolean("screenshots.publish")
        && root != null
        && Files.exists(root.resolve("ui").resolve("pom.xml"))) {
      Path docs = root.resolve("docs").resolve("screenshots");
      Files.createDirectories(docs);
      Files.copy(inbox, docs.resolve("inbox.png"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private String deployment(String prefix) {
    return TestDeployments.ready(dev, prefix);
  }

  private static String start(String token, String env, String goal, Long approvalTimeoutSeconds) {
    String id = "ui-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> body =
        approvalTimeoutSeconds == null
            ? Map.of("taskId", id, "environment", env, "goal", goal)
            : Map.of(
                "taskId",
                id,
                "environment",
                env,
                "goal",
                goal,
                "approvalTimeoutSeconds",
                approvalTimeoutSeconds);
    given()
        .auth()
        .oauth2(token)
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/tasks")
        .then()
        .statusCode(201);
    return id;
  }

  private static JsonNode propose(String token, String task, Map<String, Object> call)
      throws IOException {
    String body =
        given()
            .auth()
            .oauth2(token)
            .contentType(ContentType.JSON)
            .body(call)
            .post("/api/tasks/" + task + "/steps")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    JsonNode step = JSON.readTree(body);
    assertThat(step.path("state").asText()).as(body).isIn(List.of("AWAITING_APPROVAL"));
    return step;
  }

  private long mutations(String path) {
    return InProcessClusterStarter.of(dev).mutationLog().stream()
        .filter(l -> l.contains(path) && !l.startsWith("GET"))
        .count();
  }
}
