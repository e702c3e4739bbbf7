package io.interlock.activities.kubectl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real kubectl against a kubeconfig, bounded in time. Public so tests elsewhere (e.g. the
 * rollout verifier's) can compare their verdict with `kubectl rollout status`. A missing kubectl is
 * a failure, never a skip: CI installs it.
 */
public final class Kubectl {

  /** Exit code and combined stdout+stderr of one kubectl run. */
  public record Result(int exitCode, String output) {
    public boolean succeeded() {
      return exitCode == 0;
    }
  }

  private static final Path DEFAULT_BINARY = Path.of("/usr/bin/kubectl");

  private final Path kubeconfig;

  public Kubectl(Path kubeconfig) {
    this.kubeconfig = kubeconfig;
  }

  /** `kubectl rollout status <resource> -n <namespace> --timeout=<timeout>`. */
  public Result rolloutStatus(String namespace, String resource, Duration timeout) {
    return run(
        timeout.plusSeconds(10),
        "rollout",
        "status",
        resource,
        "-n",
        namespace,
        "--timeout=" + timeout.toSeconds() + "s");
  }

  public Result run(Duration limit, String... args) {
    Path binary = binary();
    List<String> command =
        new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(
            "kubectl " + String.join(" ", args) + " did not finish within " + limit);
      }
      return new Result(
          p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("could not run " + binary, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running kubectl", e);
    }
  }

  /** $KUBECTL, else /usr/bin/kubectl; fails loudly when neither exists. */
  static Path binary() {
    String env = System.getenv("KUBECTL");
    Path p = env != null && !env.isBlank() ? Path.of(env) : DEFAULT_BINARY;
    if (!Files.isExecutable(p)) {
      throw new AssertionError(
          "kubectl is required for this test and was not found at "
              + p
              + " (install kubectl, or set KUBECTL to its path)");
    }
    return p;
  }
}
