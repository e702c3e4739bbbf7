package io.interlock.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.activities.policy.PolicyFile;
import io.interlock.contract.values.ProofPolicy;
import io.interlock.worker.audit.AuditReport;
import io.interlock.worker.audit.AuditSigner;
import io.interlock.worker.audit.AuditVerification;
import io.interlock.worker.audit.HashChain;
import io.interlock.worker.audit.HistoryRuns;
import io.interlock.worker.audit.Replay;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jose4j.jwk.PublicJsonWebKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The audit report (from the server, or from history files alone), its verification, and replay.
 */
final class AuditCommands {
  private AuditCommands() {}

  @Command(
      name = "audit",
      description =
          "The audit report of a task, built from its workflow history (JSON is verifiable, Markdown readable).",
      subcommands = {AuditCommands.Verify.class})
  static final class Audit implements Runnable {
    @Mixin ServerOptions server;
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "TASK",
        description = "task id (fetched from the server)")
    String taskId;

    // 1..*: a shell glob of per-run files must all land here, never one of them in TASK.
    @Option(
        names = "--history",
        arity = "1..*",
        paramLabel = "FILE",
        description =
            "build from 'temporal workflow show --output json' files instead (one per run, in any order: they are put in continue-as-new order); no server needed")
    List<Path> history = new ArrayList<>();

    @Option(names = "--format", defaultValue = "json", description = "json or md (default json)")
    String format;

    @Option(
        names = {"-o", "--out"},
        description = "write to this file instead of standard output")
    Path outFile;

    @Option(
        names = "--sign-key",
        paramLabel = "REF",
        description =
            "with --history: sign the report with this private JWK, env:VAR or file:/path (default: "
                + "interlock.audit.signing-key / $INTERLOCK_AUDIT_SIGNING_KEY, else file:~/.interlock/keys/interlock-audit.jwk, when present)")
    String signKey;

    @Override
    public void run() {
      if (!format.equals("json") && !format.equals("md")) {
        throw new CliFailure(CliFailure.USAGE, "--format must be json or md");
      }
      if (!history.isEmpty() && taskId != null) {
        throw new CliFailure(
            CliFailure.USAGE,
            "give a TASK or --history FILE..., not both (got TASK '"
                + taskId
                + "' and "
                + history.size()
                + " history file(s)); with --history, list every run's file after it");
      }
      String text;
      if (!history.isEmpty()) {
        AuditReport r;
        try {
          r = AuditReport.fromHistory(HistoryRuns.read(history));
        } catch (IOException e) {
          throw new CliFailure(CliFailure.NOT_FOUND, "cannot read history: " + e.getMessage());
        }
        Optional<AuditSigner> signer = signer();
        if (signer.isEmpty()) {
          spec.commandLine()
              .getErr()
              .println(
                  "note: the report is UNSIGNED: no audit signing key at "
                      + signingKeyRef()
                      + " (give --sign-key env:VAR or file:/path of a private Ed25519 or P-256 JWK)");
        }
        text =
            format.equals("json")
                ? signer.map(s -> s.signedJson(r)).orElseGet(r::toJson)
                : r.toMarkdown(signer.map(AuditSigner::keyId).orElse(null));
      } else if (taskId != null) {
        if (signKey != null) {
          throw new CliFailure(
              CliFailure.USAGE,
              "--sign-key applies to --history; the server signs its own exports");
        }
        text =
            server.api().getText("/api/tasks/" + ApiClient.enc(taskId) + "/audit?format=" + format);
      } else {
        throw new CliFailure(
            CliFailure.USAGE,
            "give a TASK id, or --history FILE...; 'interlock audit verify FILE' checks an export");
      }
      write(spec.commandLine().getOut(), text, outFile);
    }

    /** The explicit key must be there; the default one is used only when it is. */
    private Optional<AuditSigner> signer() {
      Optional<AuditSigner> s;
      try {
        s = AuditSigner.fromReference(signingKeyRef());
      } catch (IllegalArgumentException e) {
        throw new CliFailure(
            CliFailure.USAGE, "cannot sign with " + signingKeyRef() + ": " + e.getMessage());
      }
      if (s.isEmpty() && signKey != null) {
        throw new CliFailure(
            CliFailure.NOT_FOUND,
            "--sign-key "
                + signKey
                + ": no such key (the variable is unset or the file is missing)");
      }
      return s;
    }

    private String signingKeyRef() {
      if (signKey != null) {
        return signKey;
      }
      String ref =
          System.getProperty(
              "interlock.audit.signing-key", System.getenv("INTERLOCK_AUDIT_SIGNING_KEY"));
      if (ref == null || ref.isBlank()) {
        ref = "file:${user.home}/" + AuditSigner.DEFAULT_KEY_FILE;
      }
      return ref.replace("${user.home}", System.getProperty("user.home"));
    }
  }

  @Command(
      name = "verify",
      description = {
        "Check an exported JSON report offline, one line each: (a) its signature (EdDSA or ES256, with the audit public key,"
            + " over the whole report), (b) its hash chain (any edited, inserted, removed or reordered entry is detected),"
            + " (c) the proof of every accepted approval and rejection, re-verified against the policy's identity keys.",
        "Exit 1 if any check fails; an unverified claim (accepted where policy said proof: claimed) is shown and counted, not failed."
      })
  static final class Verify implements Runnable {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Option(
        names = "--audit-key",
        paramLabel = "FILE",
        description =
            "the audit signer's public JWK or JWKS (default: ~/.interlock/keys/interlock-audit.pub.jwk when present)")
    Path auditKey;

    @Option(
        names = "--policy",
        paramLabel = "FILE",
        description =
            "policy whose identities (SSH keys, trusted issuers) the proofs are checked against (default: the bundled policy)")
    Path policy;

    @Option(
        names = "--allow-unsigned",
        description = "pass a report that has no signature (it is still reported UNSIGNED)")
    boolean allowUnsigned;

    @Override
    public void run() {
      JsonNode report;
      try {
        report = ApiClient.JSON.readTree(Files.readString(file));
      } catch (IOException e) {
        throw new CliFailure(
            CliFailure.NOT_FOUND, "cannot read " + file + " as JSON: " + e.getMessage());
      }
      if (report == null || !report.isObject()) {
        throw new CliFailure(
            CliFailure.REFUSED, file + " is not an exported audit report (a JSON object)");
      }
      PolicyFile p = policy();
      ProofPolicy keys = p.identities().resolve(ProofPolicy.REQUIRED);
      AuditVerification.Findings f =
          AuditVerification.check(report, auditKeys(), keys, allowUnsigned);
      PrintWriter out = spec.commandLine().getOut();

      out.println(f.signature().line());
      HashChain.Result r = f.chain();
      if (r.intact()) {
        out.println("chain: OK: " + r.entries() + " entries, chain intact, head " + r.head());
      } else {
        out.println("chain: TAMPERED: " + file + " does not match its hash chain:");
        r.problems().forEach(x -> out.println("  - " + x));
      }
      long verified = f.count(AuditVerification.ProofStatus.VERIFIED);
      long claims = f.count(AuditVerification.ProofStatus.CLAIM);
      long failed = f.count(AuditVerification.ProofStatus.FAILED);
      out.println(
          "proofs: "
              + (failed == 0 ? "OK" : "FAILED")
              + ": "
              + f.proofs().size()
              + " accepted decision(s), "
              + verified
              + " verified, "
              + claims
              + " unverified claim(s), "
              + failed
              + " not verified (keys of "
              + p.source()
              + ")");
      f.proofs().forEach(x -> out.println("  - " + x.line()));

      if (!f.ok()) {
        List<String> why = new ArrayList<>();
        if (!f.signatureOk()) {
          why.add(
              f.signature().status() == AuditVerification.SignatureStatus.UNSIGNED
                  ? "the report is unsigned (pass --allow-unsigned to accept that)"
                  : "the signature does not check out");
        }
        if (!r.intact()) {
          why.add("the hash chain is broken");
        }
        if (!f.proofsOk()) {
          why.add(failed + " accepted decision(s) have no valid proof");
        }
        boolean edited =
            f.signature().status() == AuditVerification.SignatureStatus.FAILED || !r.intact();
        throw new CliFailure(
            CliFailure.REFUSED,
            "verification failed: "
                + String.join("; ", why)
                + (edited ? "; compare with a fresh export ('interlock audit TASK')" : ""));
      }
    }

    private PolicyFile policy() {
      try {
        return policy == null ? PolicyFile.loadDefault() : PolicyFile.load(policy);
      } catch (RuntimeException e) {
        throw new CliFailure(CliFailure.NOT_FOUND, "cannot load the policy: " + e.getMessage());
      }
    }

    private List<PublicJsonWebKey> auditKeys() {
      Path f =
          auditKey != null
              ? auditKey
              : Path.of(System.getProperty("user.home"))
                  .resolve(AuditSigner.DEFAULT_PUBLIC_KEY_FILE);
      if (auditKey == null && !Files.isRegularFile(f)) {
        return List.of();
      }
      try {
        return AuditSigner.publicKeys(Files.readString(f));
      } catch (IOException e) {
        throw new CliFailure(
            CliFailure.NOT_FOUND, "cannot read the audit key " + f + ": " + e.getMessage());
      } catch (IllegalArgumentException e) {
        throw new CliFailure(CliFailure.USAGE, "the audit key " + f + " is " + e.getMessage());
      }
    }
  }

  @Command(
      name = "replay",
      description =
          "Replay saved histories against the current workflow code and report determinism.")
  static final class ReplayHistories implements Runnable {
    @Spec CommandSpec spec;

    @Parameters(
        arity = "1..*",
        paramLabel = "HISTORY.json",
        description = "'temporal workflow show --output json' files")
    List<Path> files;

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      boolean allOk = true;
      for (Path f : files) {
        List<Replay.Outcome> outcomes;
        try {
          outcomes = Replay.run(HistoryRuns.read(List.of(f)));
        } catch (IOException | RuntimeException e) {
          throw new CliFailure(
              CliFailure.NOT_FOUND,
              "cannot read " + f + " as a workflow history: " + e.getMessage());
        }
        for (Replay.Outcome o : outcomes) {
          if (o.deterministic()) {
            out.println("OK      " + f + " (" + o.events() + " events): replays deterministically");
          } else {
            allOk = false;
            out.println("FAILED  " + f + " (" + o.events() + " events): " + o.error());
          }
        }
      }
      if (!allOk) {
        throw new CliFailure(
            CliFailure.REFUSED,
            "non-deterministic: the current workflow code does not reproduce these histories");
      }
    }
  }

  @Command(
      name = "history",
      description =
          "Save a task's raw workflow history (as 'temporal workflow show --output json' does).")
  static final class History implements Runnable {
    @Mixin ServerOptions server;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TASK")
    String taskId;

    @Option(
        names = "--run",
        defaultValue = "0",
        description = "run number, oldest is 1 (default: the latest)")
    int run;

    @Option(
        names = {"-o", "--out"},
        description = "write to this file instead of standard output")
    Path outFile;

    @Override
    public void run() {
      String text =
          server
              .api()
              .getText(
                  "/api/tasks/"
                      + ApiClient.enc(taskId)
                      + "/history"
                      + (run > 0 ? "?run=" + run : ""));
      write(spec.commandLine().getOut(), text, outFile);
    }
  }

  static void write(PrintWriter out, String text, Path file) {
    if (file == null) {
      out.println(text);
      return;
    }
    try {
      Files.writeString(file, text);
      out.println("wrote " + file);
    } catch (IOException e) {
      throw new CliFailure(CliFailure.REFUSED, "cannot write " + file + ": " + e.getMessage());
    }
  }
}
