package io.interlock.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.worker.audit.AuditReport;
import io.interlock.worker.audit.HashChain;
import io.interlock.worker.audit.HistoryRuns;
import io.interlock.worker.audit.Replay;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The audit report (from the server, or from history files alone), its verification, and replay. */
final class AuditCommands {
  private AuditCommands() {}

  @Command(
      name = "audit",
      description = "The audit report of a task, built from its workflow history (JSON is verifiable, Markdown readable).",
      subcommands = {AuditCommands.Verify.class})
  static final class Audit implements Runnable {
    @Mixin ServerOptions server;
    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TASK", description = "task id (fetched from the server)")
    String taskId;

    @Option(names = "--history", paramLabel = "FILE", description = "build from 'temporal workflow show --output json' files instead (one per run, oldest first); no server needed")
    List<Path> history = new ArrayList<>();

    @Option(names = "--format", defaultValue = "json", description = "json or md (default json)")
    String format;

    @Option(names = {"-o", "--out"}, description = "write to this file instead of standard output")
    Path outFile;

    @Override
    public void run() {
      if (!format.equals("json") && !format.equals("md")) {
        throw new CliFailure(CliFailure.USAGE, "--format must be json or md");
      }
      String text;
      if (!history.isEmpty()) {
        try {
          AuditReport r = AuditReport.fromHistory(HistoryRuns.read(history));
          text = format.equals("json") ? r.toJson() : r.toMarkdown();
        } catch (IOException e) {
          throw new CliFailure(CliFailure.NOT_FOUND, "cannot read history: " + e.getMessage());
        }
      } else if (taskId != null) {
        text = server.api().getText("/api/tasks/" + ApiClient.enc(taskId) + "/audit?format=" + format);
      } else {
        throw new CliFailure(CliFailure.USAGE, "give a TASK id, or --history FILE...; 'interlock audit verify FILE' checks an export");
      }
      write(spec.commandLine().getOut(), text, outFile);
    }
  }

  @Command(name = "verify", description = "Check an exported JSON report: any edited, inserted, removed or reordered entry is detected.")
  static final class Verify implements Runnable {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Override
    public void run() {
      JsonNode report;
      try {
        report = ApiClient.JSON.readTree(Files.readString(file));
      } catch (IOException e) {
        throw new CliFailure(CliFailure.NOT_FOUND, "cannot read " + file + " as JSON: " + e.getMessage());
      }
      HashChain.Result r = HashChain.verify(report);
      PrintWriter out = spec.commandLine().getOut();
      if (r.intact()) {
        out.println("OK: " + r.entries() + " entries, chain intact, head " + r.head());
        return;
      }
      out.println("TAMPERED: " + file + " does not match its hash chain:");
      r.problems().forEach(p -> out.println("  - " + p));
      throw new CliFailure(CliFailure.REFUSED, "verification failed; compare with a fresh export ('interlock audit TASK')");
    }
  }

  @Command(name = "replay", description = "Replay saved histories against the current workflow code and report determinism.")
  static final class ReplayHistories implements Runnable {
    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "HISTORY.json", description = "'temporal workflow show --output json' files")
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
          throw new CliFailure(CliFailure.NOT_FOUND, "cannot read " + f + " as a workflow history: " + e.getMessage());
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
        throw new CliFailure(CliFailure.REFUSED, "non-deterministic: the current workflow code does not reproduce these histories");
      }
    }
  }

  @Command(name = "history", description = "Save a task's raw workflow history (as 'temporal workflow show --output json' does).")
  static final class History implements Runnable {
    @Mixin ServerOptions server;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TASK")
    String taskId;

    @Option(names = "--run", defaultValue = "0", description = "run number, oldest is 1 (default: the latest)")
    int run;

    @Option(names = {"-o", "--out"}, description = "write to this file instead of standard output")
    Path outFile;

    @Override
    public void run() {
      String text = server.api().getText("/api/tasks/" + ApiClient.enc(taskId) + "/history" + (run > 0 ? "?run=" + run : ""));
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
