package io.interlock.worker;

import io.interlock.worker.cli.InterlockCli;
import io.interlock.worker.dev.SimClusterProcess;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One jar, two jobs. {@code dev} and {@code serve} boot the Quarkus application (workers, REST API,
 * web page); every other command is the CLI, which talks to a running server over HTTP and never
 * boots Quarkus (so it never competes for :8080).
 */
@QuarkusMain
public final class InterlockMain {
  private InterlockMain() {}

  public static void main(String... args) {
    if (args.length > 0 && (args[0].equals("dev") || args[0].equals("serve"))) {
      List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
      System.setProperty("interlock.mode", args[0].equals("dev") ? "dev" : "server");
      if (args[0].equals("dev") && System.getProperty("quarkus.http.host") == null) {
        // The dev server has demo tokens: keep it on this machine.
        System.setProperty("quarkus.http.host", "127.0.0.1");
      }
      for (int i = 0; i < rest.size(); i++) {
        String a = rest.get(i);
        if (a.equals("--policy") && i + 1 < rest.size()) {
          System.setProperty("interlock.policy", rest.get(++i));
        } else if (a.startsWith("--policy=")) {
          System.setProperty("interlock.policy", a.substring("--policy=".length()));
        } else if (a.equals("--temporal-target") && i + 1 < rest.size()) {
          // dev: an external server instead of the embedded one; serve: the server to connect to.
          System.setProperty(
              args[0].equals("dev") ? "interlock.dev.temporal-target" : "interlock.temporal.target",
              rest.get(++i));
        } else if (a.equals("--port") && i + 1 < rest.size()) {
          System.setProperty("quarkus.http.port", rest.get(++i));
        } else if (a.equals("--help") || a.equals("-h")) {
          System.out.println(
              "usage: interlock "
                  + args[0]
                  + " [--policy FILE] [--port 8080] [--temporal-target HOST:PORT]\n"
                  + "  --policy FILE   policy YAML (default: INTERLOCK_POLICY, else the bundled example)\n"
                  + "  --port N        HTTP port of the API and web page (default 8080)\n"
                  + "  --temporal-target HOST:PORT  the Temporal server (dev: instead of the embedded one,"
                  + " e.g. temporal server start-dev; default "
                  + (args[0].equals("dev") ? "embedded" : "127.0.0.1:7233")
                  + ")\n"
                  + "Any interlock.* setting can also be given as -Dinterlock.x=y or INTERLOCK_X=y; see worker/README.md\n"
                  + "(e.g. INTERLOCK_ROLES=api or =worker with INTERLOCK_ENVIRONMENTS=E to run the API and each environment's worker apart).");
          System.exit(0);
        } else {
          System.err.println("unknown option '" + a + "'; try: interlock " + args[0] + " --help");
          System.exit(2);
        }
      }
      Quarkus.run(
          Server.class,
          (code, failure) -> {
            if (failure != null) {
              System.err.println("interlock: could not start: " + rootMessage(failure));
            }
            System.exit(code);
          });
      return;
    }
    if (args.length > 0 && args[0].equals("sim-cluster")) {
      // Test and demo infrastructure with a jar of its own: never on this one's classpath.
      System.err.println(
          "interlock: sim-cluster runs the simulated cluster's own jar: ./interlock sim-cluster ..."
              + " (or java -jar "
              + SimClusterProcess.jar()
              + " ...)");
      System.exit(2);
    }
    System.exit(InterlockCli.run(args));
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c == t
        ? String.valueOf(t.getMessage())
        : t.getMessage() + " (cause: " + c.getMessage() + ")";
  }
}
