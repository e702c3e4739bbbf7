package io.interlock.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.worker.proof.ApiIssuer;
import io.interlock.workflows.proof.Statement;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code interlock sign}: an approval, rejection or task request signed with your SSH key, printed
 * as the exact JSON for {@code temporal workflow signal --input} or the Web UI's signal box.
 */
@Command(
    name = "sign",
    description = {
      "Sign an approval (or --reject) of a pending step with your SSH key and print the signal JSON:",
      "  temporal workflow signal --workflow-id TASK --name approve --input \"$(interlock sign TASK s1 --as alice --key ~/.ssh/id_ed25519)\"",
      "With --request, sign a task start instead (the requesterProof of a TaskRequest).",
      "With --batch TASK/STEP ..., sign one batch statement over several pending steps and print",
      "{statement, proof}: send the same JSON to each task listed, signal name 'batch'."
    })
final class SignCommand implements Runnable {
  @Mixin ServerOptions server;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "TASK",
      description = "task (workflow) id (not with --batch)")
  String taskId;

  @Option(
      names = "--batch",
      arity = "1..*",
      paramLabel = "TASK/STEP",
      description = "sign one batch statement over these pending steps (at most 100)")
  java.util.List<String> batch;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "STEP",
      description = "step id (not with --request)")
  String stepId;

  @Option(
      names = "--key",
      required = true,
      description = "SSH private key (or its .pub with the key in ssh-agent)")
  Path key;

  @Option(
      names = "--as",
      description = "the identity you sign as (default: $INTERLOCK_USER, else $USER)")
  String as;

  @Option(names = "--reject", description = "sign a rejection (needs --reason)")
  boolean reject;

  @Option(names = "--reason", description = "why you reject (signed)")
  String reason;

  @Option(names = "--comment", description = "comment recorded with the approval (signed)")
  String comment;

  @Option(
      names = "--break-glass",
      paramLabel = "REASON",
      description = "break-glass reason (signed)")
  String breakGlass;

  @Option(
      names = "--valid",
      defaultValue = "900",
      description = "seconds the proof stays valid (default 900; never past the step's deadline)")
  long validSeconds;

  @Option(
      names = "--request",
      description = "sign a task request: TASK is the workflow id you will start")
  boolean request;

  @Option(names = "--env", description = "with --request: the task's environment")
  String environment;

  @Override
  public void run() {
    String who =
        as != null
            ? as
            : System.getenv().getOrDefault("INTERLOCK_USER", System.getProperty("user.name"));
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    PrintWriter out = spec.commandLine().getOut();
    if (batch != null) {
      if (taskId != null || request || breakGlass != null) {
        throw new CliFailure(
            CliFailure.USAGE,
            "--batch takes TASK/STEP arguments only (no TASK, --request, --break-glass)");
      }
      if (reject && (reason == null || reason.isBlank())) {
        throw new CliFailure(CliFailure.USAGE, "--reject needs --reason");
      }
      BatchSelection chosen = BatchSelection.read(server.api(), batch);
      var st = chosen.statement(who, !reject, reject ? reason : comment, validSeconds, now);
      out.println(BatchSelection.signed(st, key).toString());
      return;
    }
    if (taskId == null) {
      throw new CliFailure(CliFailure.USAGE, "name the task: interlock sign TASK STEP --key KEY");
    }
    if (request) {
      if (environment == null) {
        throw new CliFailure(CliFailure.USAGE, "--request needs --env ENVIRONMENT");
      }
      Statement st =
          Statement.request(
              taskId, who, environment, now.toString(), now.plusSeconds(validSeconds).toString());
      out.println(proof(st).toString());
      return;
    }
    if (stepId == null) {
      throw new CliFailure(CliFailure.USAGE, "name the step: interlock sign TASK STEP --key KEY");
    }
    if (reject && (reason == null || reason.isBlank())) {
      throw new CliFailure(CliFailure.USAGE, "--reject needs --reason");
    }
    out.println(
        signed(
                server.api(),
                taskId,
                stepId,
                who,
                !reject,
                reject ? reason : comment,
                breakGlass,
                key,
                validSeconds,
                now)
            .toString());
  }

  /** The signal body: {stepId, callHash, approver, comment|reason, breakGlass, proof}. */
  static ObjectNode signed(
      ApiClient api,
      String taskId,
      String stepId,
      String who,
      boolean approve,
      String text,
      String breakGlass,
      Path key,
      long validSeconds,
      Instant now) {
    JsonNode task = api.get("/api/tasks/" + ApiClient.enc(taskId));
    JsonNode step = null;
    for (JsonNode s : task.path("steps")) {
      if (stepId.equals(s.path("stepId").asText())) {
        step = s;
      }
    }
    if (step == null || !"AWAITING_APPROVAL".equals(step.path("state").asText())) {
      throw new CliFailure(
          CliFailure.REFUSED,
          "step "
              + stepId
              + " of "
              + taskId
              + " is "
              + (step == null ? "unknown" : step.path("state").asText())
              + ", not AWAITING_APPROVAL: nothing to sign");
    }
    ApiIssuer.Window w =
        ApiIssuer.window(now, validSeconds, Instant.parse(step.path("deadline").asText()));
    String callHash = step.path("callHash").asText();
    Statement st =
        Statement.decision(
            task.path("taskRunId").asText(),
            stepId,
            callHash,
            who,
            approve,
            text,
            approve ? breakGlass : null,
            w.issuedAt(),
            w.expiresAt());
    ObjectNode body = ApiClient.JSON.createObjectNode();
    body.put("stepId", stepId);
    body.put("callHash", callHash);
    body.put("approver", who);
    if (text != null) {
      body.put(approve ? "comment" : "reason", text);
    }
    if (approve && breakGlass != null) {
      body.put("breakGlass", breakGlass);
    }
    body.set("proof", sshProof(st, key));
    return body;
  }

  private ObjectNode proof(Statement st) {
    return sshProof(st, key);
  }

  static ObjectNode sshProof(Statement st, Path key) {
    ObjectNode proof = ApiClient.JSON.createObjectNode();
    proof.put("kind", "ssh");
    proof.put("signature", SshSigner.sign(key, Statement.SSH_NAMESPACE, st.canonical()));
    proof.put("issuedAt", st.issuedAt());
    proof.put("expiresAt", st.expiresAt());
    return proof;
  }
}
