package io.interlock.worker.dev;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulated cluster as a child process: {@code java -jar interlock-simcluster.jar} (the
 * simcluster module's runnable jar), which exits with this JVM. Test and dev infrastructure only:
 * {@code serve} starts it only for an environment whose policy names the simulated cluster.
 */
public final class SimClusterProcess implements DevCluster {
  /**
   * Where the jar is, if set (a system property outside the {@code interlock.*} settings, which
   * Quarkus checks).
   */
  public static final String JAR_PROPERTY = "simcluster.jar";

  private static final Path IN_REPO = Path.of("simcluster", "target", "interlock-simcluster.jar");
  private static final Pattern SERVING =
      Pattern.compile("simulated cluster serving (\\S+) kubeconfig (.+)");
  private static final long START_SECONDS = 60;

  private final Process process;
  private final String url;
  private final Path kubeconfig;

  private SimClusterProcess(Process process, String url, Path kubeconfig) {
    this.process = process;
    this.url = url;
    this.kubeconfig = kubeconfig;
  }

  /**
   * The runnable jar: {@value #JAR_PROPERTY} if set, else {@code simcluster/target/} in a directory
   * above this code (the repository the worker was built in).
   */
  public static Path jar() {
    String set = System.getProperty(JAR_PROPERTY, "");
    if (!set.isBlank()) {
      return Path.of(set.trim());
    }
    try {
      Path here =
          Path.of(
              SimClusterProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path d = here.toAbsolutePath(); d != null; d = d.getParent()) {
        if (Files.isRegularFile(d.resolve(IN_REPO))) {
          return d.resolve(IN_REPO);
        }
      }
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      // No code location to search from: only the property can say.
    }
    throw new IllegalStateException(
        "no simulated cluster jar: build it with `./mvnw -B -q -pl simcluster package -DskipTests`"
            + " (./interlock does), or name it with -D"
            + JAR_PROPERTY
            + "=PATH");
  }

  /**
   * Starts the jar with a kubeconfig to write and any further options (see {@code SimClusterMain}),
   * and waits until it serves.
   */
  public static SimClusterProcess start(Path jar, Path kubeconfig, String... options) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no simulated cluster jar at " + jar + "; build it with ./mvnw -pl simcluster package");
    }
    List<String> cmd = new ArrayList<>(javaJar(jar));
    cmd.addAll(List.of("--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of("--exit-with", Long.toString(ProcessHandle.current().pid())));
    cmd.addAll(List.of(options));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the simulated cluster: " + cmd, e);
    }
    CompletableFuture<Matcher> serving = new CompletableFuture<>();
    StringBuilder said = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                // Read to the end: a child whose output nobody reads stalls on a full pipe.
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  Matcher m = SERVING.matcher(line);
                  if (!serving.isDone() && m.matches()) {
                    serving.complete(m);
                  } else if (!serving.isDone()) {
                    said.append(line).append('\n');
                  }
                }
              } catch (IOException e) {
                // The child is gone; the wait below reports it.
              }
              serving.completeExceptionally(new IllegalStateException("exited"));
            },
            "simcluster-output");
    reader.setDaemon(true);
    reader.start();
    try {
      Matcher m = serving.get(START_SECONDS, TimeUnit.SECONDS);
      return new SimClusterProcess(p, m.group(1), Path.of(m.group(2)));
    } catch (ExecutionException | TimeoutException e) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "the simulated cluster did not start within "
              + START_SECONDS
              + " s ("
              + String.join(" ", cmd)
              + "); it said:\n"
              + said,
          e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted starting the simulated cluster", e);
    }
  }

  private static List<String> javaJar(Path jar) {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString());
  }

  @Override
  public String url() {
    return url;
  }

  @Override
  public Path kubeconfig() {
    return kubeconfig;
  }

  @Override
  public KubernetesClient newClient() {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url)
            .withNamespace("default")
            .withRequestTimeout(10_000)
            .withConnectionTimeout(5_000)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Whether the child process still runs. */
  public boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
