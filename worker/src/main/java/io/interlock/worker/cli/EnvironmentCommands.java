package io.interlock.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Environments (locks, freezes), the tool catalog, and who you are. */
final class EnvironmentCommands {
  private EnvironmentCommands() {}

  @Command(
      name = "lock",
      description =
          "Lock an environment: policy blocks its writes until it is unlocked (or until --until).")
  static final class Lock implements Runnable {
    @Mixin ServerOptions server;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ENV")
    String env;

    @Option(
        names = "--reason",
        required = true,
        description = "shown to everyone whose write is blocked")
    String reason;

    @Option(names = "--until", description = "ISO-8601 instant when the lock expires by itself")
    String until;

    @Override
    public void run() {
      ObjectNode body = ApiClient.JSON.createObjectNode();
      body.put("reason", reason);
      if (until != null) {
        body.put("until", until);
      }
      JsonNode s = server.api().post("/api/environments/" + ApiClient.enc(env) + "/lock", body);
      spec.commandLine()
          .getOut()
          .println(
              env
                  + " locked by "
                  + s.path("by").asText()
                  + ": "
                  + s.path("why").asText()
                  + (s.hasNonNull("until")
                      ? " (until " + s.path("until").asText() + ")"
                      : " (until unlocked)"));
    }
  }

  @Command(name = "unlock", description = "Unlock an environment (its approvers only).")
  static final class Unlock implements Runnable {
    @Mixin ServerOptions server;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ENV")
    String env;

    @Option(names = "--reason", defaultValue = "", description = "recorded with the unlock")
    String reason;

    @Override
    public void run() {
      JsonNode s =
          server
              .api()
              .delete(
                  "/api/environments/"
                      + ApiClient.enc(env)
                      + "/lock"
                      + (reason.isBlank() ? "" : "?reason=" + ApiClient.enc(reason)));
      spec.commandLine()
          .getOut()
          .println(env + (s.path("locked").asBoolean() ? " is still locked" : " unlocked"));
    }
  }

  @Command(
      name = "environments",
      aliases = "envs",
      description = "Environments: cluster, approvers, lock, freeze windows.")
  static final class Environments implements Runnable {
    @Mixin ServerOptions server;
    @Spec CommandSpec spec;

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      for (JsonNode e : server.api().get("/api/environments")) {
        JsonNode lock = e.path("lock");
        out.println(
            e.path("name").asText()
                + "  "
                + (lock.path("locked").asBoolean()
                    ? "LOCKED by " + lock.path("by").asText() + ": " + lock.path("why").asText()
                    : "unlocked")
                + "  needs "
                + e.path("requiredApprovals").asInt()
                + " approval(s) from "
                + e.path("approvers"));
        out.println(
            "    cluster: "
                + e.path("cluster").asText()
                + "  namespaces: "
                + e.path("allowedNamespaces"));
        for (JsonNode f : e.path("freezeWindows")) {
          out.println(
              "    freeze "
                  + f.path("id").asText()
                  + (f.path("active").asBoolean() ? " ACTIVE " : " next ")
                  + f.path("start").asText()
                  + " .. "
                  + f.path("end").asText()
                  + " ("
                  + f.path("zone").asText()
                  + ")");
        }
      }
    }
  }

  @Command(name = "catalog", description = "The tools: name, READ or WRITE, flags, arguments.")
  static final class Catalog implements Runnable {
    @Mixin ServerOptions server;
    @Spec CommandSpec spec;

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      for (JsonNode t : server.api().get("/api/catalog")) {
        StringBuilder flags = new StringBuilder();
        if (t.path("idempotent").asBoolean()) {
          flags.append(" idempotent");
        }
        if (t.path("destructive").asBoolean()) {
          flags.append(" destructive");
        }
        out.printf(
            "%-22s %-5s %s%n",
            t.path("name").asText(),
            t.path("effect").asText(),
            t.path("description").asText() + flags);
        JsonNode props = t.path("argsSchema").path("properties");
        JsonNode required = t.path("argsSchema").path("required");
        props
            .fieldNames()
            .forEachRemaining(
                n -> {
                  boolean req = false;
                  for (JsonNode r : required) {
                    req |= r.asText().equals(n);
                  }
                  out.printf(
                      "    %-16s %s%s%n",
                      n, req ? "(required) " : "", props.path(n).path("description").asText());
                });
      }
    }
  }

  @Command(name = "me", description = "Who the token belongs to.")
  static final class Me implements Runnable {
    @Mixin ServerOptions server;
    @Spec CommandSpec spec;

    @Override
    public void run() {
      JsonNode me = server.api().get("/api/me");
      spec.commandLine()
          .getOut()
          .println(
              me.path("user").asText()
                  + " ("
                  + me.path("kind").asText()
                  + ") groups "
                  + me.path("groups"));
    }
  }
}
