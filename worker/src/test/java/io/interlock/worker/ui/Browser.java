package io.interlock.worker.ui;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) driven through
 * its own chromedriver; Selenium Manager is never asked to download anything. Missing binaries fail
 * the test with what to install: these tests never skip.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER =
      Path.of(System.getProperty("webdriver.chrome.driver", "/usr/bin/chromedriver"));
  static final int LAPTOP_WIDTH = 1366;
  static final int LAPTOP_HEIGHT = 900;

  final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  static Browser start() {
    for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(p)) {
        throw new AssertionError(
            p
                + " is missing: the browser tests need Debian's chromium and chromium-driver "
                + "(apt-get install -y chromium chromium-driver; .ci/run installs them). Other locations: "
                + "-Dchromium.binary=... -Dwebdriver.chrome.driver=...");
      }
    }
    try {
      Path profile = Files.createTempDirectory("interlock-chromium");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments(
          "--headless=new",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--disable-dev-shm-usage",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
          "--disable-extensions",
          "--window-size=" + LAPTOP_WIDTH + "," + LAPTOP_HEIGHT,
          "--user-data-dir=" + profile);
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(CHROMEDRIVER.toFile())
              .usingAnyFreePort()
              .withEnvironment(Map.of("SE_AVOID_STATS", "true"))
              .build();
      return new Browser(new ChromeDriver(service, options), profile);
    } catch (IOException e) {
      throw new AssertionError("cannot create a Chromium profile folder", e);
    }
  }

  <T> T await(String what, Function<WebDriver, T> condition) {
    try {
      return new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(200))
          .withMessage(() -> "never saw: " + what)
          // Pages that re-render (the Temporal UI's Svelte dialogs) replace elements between polls.
          .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
          .until(condition);
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError("never saw: " + what + "; " + whatThePageShows(), e);
    }
  }

  /**
   * What was on screen when a wait failed: URL, visible text, and a screenshot + source kept for
   * CI.
   */
  private String whatThePageShows() {
    String name = "failure-" + System.currentTimeMillis();
    StringBuilder b = new StringBuilder("page ").append(driver.getCurrentUrl());
    try {
      Object text =
          driver.executeScript("return document.body ? document.body.innerText : '(no body)'");
      b.append(" showed: ").append(String.valueOf(text).replaceAll("\\s+", " ").strip());
      Files.createDirectories(screenshots());
      Files.writeString(screenshots().resolve(name + ".html"), driver.getPageSource());
      b.append("; saved ").append(screenshot(name));
    } catch (RuntimeException | IOException e) {
      b.append(" (could not capture the page: ").append(e.getMessage()).append(')');
    }
    return b.length() > 2000 ? b.substring(0, 2000) + "…" : b.toString();
  }

  WebElement awaitVisible(String what, By by) {
    return await(
        what,
        d -> d.findElements(by).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
  }

  /** Phone-sized viewport with touch-style metrics, as the page's media queries see a phone. */
  void phone() {
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", 390, "height", 844, "deviceScaleFactor", 2, "mobile", true));
  }

  void laptop() {
    driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
  }

  /** A full-page PNG under the build's test output ({@code <build dir>/screenshots}). */
  Path screenshot(String name) {
    Object height = driver.executeScript("return Math.ceil(document.documentElement.scrollHeight)");
    Object width = driver.executeScript("return Math.ceil(document.documentElement.clientWidth)");
    Map<String, Object> shot =
        driver.executeCdpCommand(
            "Page.captureScreenshot",
            Map.of(
                "format",
                "png",
                "captureBeyondViewport",
                true,
                "clip",
                Map.of(
                    "x",
                    0,
                    "y",
                    0,
                    "width",
                    ((Number) width).intValue(),
                    "height",
                    Math.min(((Number) height).intValue(), 6000),
                    "scale",
                    1)));
    try {
      Path dir = screenshots();
      Files.createDirectories(dir);
      Path file = dir.resolve(name + ".png");
      Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
      return file;
    } catch (IOException e) {
      throw new AssertionError("cannot save screenshot " + name, e);
    }
  }

  /** Next to test-classes, so -Dbuild.dir=... keeps parallel builds apart. */
  static Path screenshots() {
    try {
      Path classes =
          Path.of(Browser.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (classes.getFileName() != null
          && classes.getFileName().toString().equals("test-classes")) {
        return classes.getParent().resolve("screenshots");
      }
    } catch (URISyntaxException | RuntimeException e) {
      // Fall through to the conventional folder.
    }
    return Path.of("target", "screenshots");
  }

  @Override
  public void close() {
    driver.quit();
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temp profile is harmless.
    }
  }
}
