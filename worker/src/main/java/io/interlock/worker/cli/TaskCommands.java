package io.interlock.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Task commands: list, start, show, approve, reject, finish, watch. */
final class TaskCommands {
  private TaskCommands() {}

  @Command(
      name = "tasks",
      description = "List tasks the server knows of, with state and pending steps.")
  static final class Tasks implements Runnable {
    @Mixin ServerOptions server;
    @Spec CommandSpec spec;

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      JsonNode tasks = server.api().get("/api/tasks");
      if (tasks.isEmpty()) {
        out.println("no tasks yet; start one with 'interlock start' or POST /api/tasks");
        return;
      }
      out.printf("%-40s %-18s %-10s %-22s %s%n", "TASK", "STATE", "ENV", "REQUESTER", "PENDING");
      for (JsonNode t : tasks) {
        out.printf(
            "%-40s %-18s %-10s %-22s %s%n",
            t.path("taskId").asText(),
            t.path("state").asText(),
            t.path("environment").asText(),
            t.path("requester").asText(),
            join(t.path("pendingSteps")));
      }
    }
  }

  @Command(name = "start", description = "Start a task as the token's identity.")
  static final class Start implements Runnable {
    @Mixin ServerOptions server;
    @Spec CommandSpec spec;

    @Option(names = "--env", required = true, description = "environment")
    String environment;

    @Option(names = "--goal", defaultValue = "", description = "what the task is for")
    String goal;

    @Option(
        names = "--step",
        description = "a step as JSON, e.g. '{\"tool\":\"k8s.get\",\"args\":{...}}' (repeatable)")
    List<String> steps = new ArrayList<>();

    @Option(names = "--id", description = "task id (default task-<uuid>)")
    String id;

    @Override
    public void run() {
      ObjectNode body = ApiClient.JSON.createObjectNode();
      body.put("environment", environment);
      body.put("goal", goal);
      if (id != null) {
        body.put("taskId", id);
      }
      var arr = body.putArray("steps");
      for (String s : steps) {
        try {
          arr.add(ApiClient.JSON.readTree(s));
        } catch (Exception e) {
          throw new CliFailure(CliFailure.USAGE, "--step is not JSON: " + s);
        }
      }
      JsonNode task = server.api().post("/api/tasks", body);
      spec.commandLine()
          .getOut()
          .println(
              "started "
                  + task.path("taskId").asText()
                  + " in "
                  + environment
                  + "; follow it with: interlock watch "
                  + task.path("taskId").asText());
    }
  }

  @Command(
      name = "show",
      description =
          "Show a task: each step, and for a pending write the exact call, diff, policy, deadline and ready-made approval commands.")
  static final class Show implements Runnable {
    @Mixin ServerOptions server;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TASK")
    String taskId;

    @Override
    public void run() {
      ApiClient api = server.api();
      JsonNode task = api.get("/api/tasks/" + ApiClient.enc(taskId));
      PrintWriter out = spec.commandLine().getOut();
      StepText.task(out, task);
      JsonNode info = api.get("/api/info");
      for (JsonNode s : task.path("steps")) {
        if ("AWAITING_APPROVAL".equals(s.path("state").asText())) {
          StepText.pendingDetail(out, s);
          StepText.approvalCommands(out, task, s, info, server.serverUrl());
        } else if (s.has("state")) {
          StepText.finishedDetail(out, s);
        }
      }
    }
  }

  @Command(
      name = "approve",
      description = {
        "Approve a pending step as the token's identity, after showing exactly what it will do.",
        "With --batch TASK/STEP ..., approve several pending steps (of one or more tasks) in one act:",
        "one statement, one proof, each step still bound to its own callHash."
      })
  static final class Approve implements Runnable {
    @Mixin ServerOptions server;
    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TASK")
    String taskId;

    @Parameters(index = "1", arity = "0..1", paramLabel = "STEP")
    String stepId;

    @Option(
        names = "--batch",
        arity = "1..*",
        paramLabel = "TASK/STEP",
        description = "approve these pending steps together (at most 100)")
    List<String> batch;

    @Option(names = "--comment", description = "recorded with the approval")
    String comment;

    @Option(
        names = "--break-glass",
        paramLabel = "REASON",
        description = "override a freeze window the policy lets you break (recorded)")
    String breakGlass;

    @Option(
        names = {"-y", "--yes"},
        description = "do not ask for confirmation")
    boolean yes;

    @Option(
        names = "--key",
        description =
            "sign the approval yourself with this SSH key (else the API signs it as its issuer)")
    java.nio.file.Path key;

    @Option(
        names = "--as",
        description = "with --key: the identity you sign as (default: the token's identity)")
    String as;

    @Override
    public void run() {
      ApiClient api = server.api();
      PrintWriter out = spec.commandLine().getOut();
      if (batch != null) {
        approveBatch(api, out);
        return;
      }
      if (taskId == null || stepId == null) {
        throw new CliFailure(
            CliFailure.USAGE,
            "name the step: interlock approve TASK STEP, or --batch TASK/STEP ...");
      }
      JsonNode step = findStep(api, taskId, stepId);
      if (!"AWAITING_APPROVAL".equals(step.path("state").asText())) {
        throw new CliFailure(
            CliFailure.REFUSED,
            "step "
                + stepId
                + " is "
                + step.path("state").asText()
                + ", not AWAITING_APPROVAL: nothing to approve (see 'interlock show "
                + taskId
                + "')");
      }
      StepText.pendingDetail(out, step);
      if (!yes
          && !confirm(
              out,
              "Approve "
                  + taskId
                  + "/"
                  + stepId
                  + " bound to "
                  + step.path("callHash").asText()
                  + "?")) {
        throw new CliFailure(
            CliFailure.REFUSED, "not approved (answer 'yes' to approve, or pass --yes)");
      }
      ObjectNode body = ApiClient.JSON.createObjectNode();
      body.put("callHash", step.path("callHash").asText());
      if (comment != null) {
        body.put("comment", comment);
      }
      if (breakGlass != null) {
        body.put("breakGlass", breakGlass);
      }
      if (key != null) {
        // The API relays the proof for the token's identity, so sign as that identity unless told
        // otherwise.
        String who = as != null ? as : api.get("/api/me").path("user").asText();
        body.set(
            "proof",
            SignCommand.signed(
                    api,
                    taskId,
                    stepId,
                    who,
                    true,
                    comment,
                    breakGlass,
                    key,
                    300,
                    Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                .get("proof"));
      }
      JsonNode after =
          api.post(
              "/api/tasks/"
                  + ApiClient.enc(taskId)
                  + "/steps/"
                  + ApiClient.enc(stepId)
                  + "/approve",
              body);
      int have = after.path("approvals").size();
      int need = after.path("policy").path("requiredApprovals").asInt();
      out.println(
          "approved: "
              + taskId
              + "/"
              + stepId
              + " is now "
              + after.path("state").asText()
              + " ("
              + have
              + " of "
              + need
              + " approvals)");
    }

    private void approveBatch(ApiClient api, PrintWriter out) {
      if (taskId != null || breakGlass != null) {
        throw new CliFailure(
            CliFailure.USAGE,
            "--batch takes TASK/STEP arguments only (no TASK STEP, no --break-glass)");
      }
      BatchSelection chosen = BatchSelection.read(api, batch);
      for (BatchSelection.Selected s : chosen.steps()) {
        out.println();
        out.print("Task " + s.taskId() + ":");
        StepText.pendingDetail(out, s.step());
      }
      if (!yes
          && !confirm(out, "Approve these " + chosen.steps().size() + " steps in one batch?")) {
        throw new CliFailure(
            CliFailure.REFUSED, "not approved (answer 'yes' to approve, or pass --yes)");
      }
      ObjectNode body = chosen.request(true, comment);
      if (key != null) {
        String who = as != null ? as : api.get("/api/me").path("user").asText();
        var st =
            chosen.statement(
                who,
                true,
                comment,
                300,
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        body.set("proof", BatchSelection.signed(st, key).get("proof"));
      }
      if (!BatchSelection.printOutcomes(out, api.post("/api/approvals/batch", body))) {
        throw new CliFailure(CliFailure.REFUSED, "some steps were refused (see above)");
      }
    }
  }

  @Command(name = "reject", description = "Reject a pending step with a reason.")
  static final class Reject implements Runnable {
    @Mixin ServerOptions server;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TASK")
    String taskId;

    @Parameters(index = "1", paramLabel = "STEP")
    String stepId;

    @Option(names = "--reason", required = true, description = "why (required, recorded)")
    String reason;

    @Override
    public void run() {
      ApiClient api = server.api();
      JsonNode step = findStep(api, taskId, stepId);
      ObjectNode body = ApiClient.JSON.createObjectNode();
      body.put("callHash", step.path("callHash").asText());
      body.put("reason", reason);
      JsonNode after =
          api.post(
              "/api/tasks/" + ApiClient.enc(taskId) + "/steps/" + ApiClient.enc(stepId) + "/reject",
              body);
      spec.commandLine()
          .getOut()
          .println(
              "rejected: " + taskId + "/" + stepId + " is now " + after.path("state").asText());
    }
  }

  @Command(
      name = "finish",
      description = "Tell a task its requester is done proposing (requester only).")
  static final class Finish implements Runnable {
    @Mixin ServerOptions server;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TASK")
    String taskId;

    @Override
    public void run() {
      server
          .api()
          .post(
              "/api/tasks/" + ApiClient.enc(taskId) + "/finish", ApiClient.JSON.createObjectNode());
      spec.commandLine().getOut().println("finish requested for " + taskId);
    }
  }

  @Command(
      name = "watch",
      description = "Follow a task live: every step state change, until the task completes.")
  static final class Watch implements Runnable {
    @Mixin ServerOptions server;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TASK")
    String taskId;

    @Option(
        names = "--interval",
        defaultValue = "1",
        description = "seconds between polls (default 1)")
    double interval;

    @Option(
        names = "--until",
        description = "also stop when the task reaches this state (e.g. AWAITING_APPROVAL)")
    String until;

    @Option(
        names = "--max-seconds",
        defaultValue = "0",
        description = "give up after this long (0 = never)")
    long maxSeconds;

    @Override
    public void run() {
      ApiClient api = server.api();
      PrintWriter out = spec.commandLine().getOut();
      Map<String, String> seen = new HashMap<>();
      String lastTask = null;
      Instant stop = maxSeconds > 0 ? Instant.now().plusSeconds(maxSeconds) : Instant.MAX;
      while (true) {
        JsonNode task = api.get("/api/tasks/" + ApiClient.enc(taskId));
        String state = task.path("state").asText();
        if (!state.equals(lastTask)) {
          out.println(
              Instant.now().toString().substring(11, 19) + "  task " + taskId + " " + state);
          lastTask = state;
        }
        for (JsonNode s : task.path("steps")) {
          String id = s.path("stepId").asText();
          String st = s.path("state").asText();
          if (!st.equals(seen.put(id, st))) {
            out.println(Instant.now().toString().substring(11, 19) + "  " + StepText.oneLine(s));
          }
        }
        out.flush();
        if (state.equals("COMPLETED") || (until != null && state.equals(until))) {
          return;
        }
        if (Instant.now().isAfter(stop)) {
          throw new CliFailure(
              CliFailure.REFUSED,
              "stopped watching after " + maxSeconds + "s; the task is " + state);
        }
        try {
          Thread.sleep(Duration.ofMillis((long) (interval * 1000)).toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  static JsonNode findStep(ApiClient api, String taskId, String stepId) {
    JsonNode task = api.get("/api/tasks/" + ApiClient.enc(taskId));
    for (JsonNode s : task.path("steps")) {
      if (stepId.equals(s.path("stepId").asText())) {
        return s;
      }
    }
    List<String> ids = new ArrayList<>();
    task.path("steps").forEach(s -> ids.add(s.path("stepId").asText()));
    throw new CliFailure(
        CliFailure.NOT_FOUND,
        "task " + taskId + " has no step '" + stepId + "'; its steps are " + ids);
  }

  static boolean confirm(PrintWriter out, String question) {
    out.print(question + " Type 'yes' to approve: ");
    out.flush();
    try {
      String line =
          new BufferedReader(new InputStreamReader(InterlockCli.stdin, StandardCharsets.UTF_8))
              .readLine();
      return line != null
          && (line.trim().equalsIgnoreCase("yes") || line.trim().equalsIgnoreCase("y"));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  static String join(JsonNode arr) {
    List<String> l = new ArrayList<>();
    arr.forEach(x -> l.add(x.asText()));
    return String.join(",", l);
  }
}
