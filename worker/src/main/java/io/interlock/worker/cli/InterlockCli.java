package io.interlock.worker.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code interlock}: the operators' command line. It talks to a running server's REST API (except
 * {@code audit verify} and {@code replay}, which work on files alone). Exit codes: 0 ok, 1 refused
 * or failed, 2 usage, 3 not found, 4 authentication.
 */
@Command(
    name = "interlock",
    mixinStandardHelpOptions = true,
    version = "interlock 0.1.0",
    description =
        "Approve, inspect and audit Interlock tasks. 'interlock dev' starts the dev server.",
    subcommands = {
      TaskCommands.Tasks.class,
      TaskCommands.Start.class,
      TaskCommands.Show.class,
      TaskCommands.Approve.class,
      TaskCommands.Reject.class,
      SignCommand.class,
      TaskCommands.Finish.class,
      TaskCommands.Watch.class,
      AuditCommands.Audit.class,
      AuditCommands.History.class,
      AuditCommands.ReplayHistories.class,
      EnvironmentCommands.Lock.class,
      EnvironmentCommands.Unlock.class,
      EnvironmentCommands.Environments.class,
      EnvironmentCommands.Catalog.class,
      EnvironmentCommands.Me.class,
    },
    footer = {
      "",
      "Also: 'interlock dev [--policy FILE]' runs the dev server, 'interlock serve' the worker against a real Temporal.",
      "Exit codes: 0 ok, 1 refused or failed, 2 usage, 3 not found, 4 authentication."
    })
public final class InterlockCli implements Runnable {
  /** Where confirmations are read from (stdin, or a test's input). */
  static InputStream stdin = System.in;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static int run(String... args) {
    return run(
        new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.in, args);
  }

  /** Runs one command with the given streams; returns the exit code. */
  public static int run(PrintWriter rawOut, PrintWriter rawErr, InputStream in, String... args) {
    stdin = in;
    PrintWriter out = new PrintWriter(new TerminalSafeWriter(rawOut), true);
    PrintWriter err = new PrintWriter(new TerminalSafeWriter(rawErr), true);
    CommandLine cli = new CommandLine(new InterlockCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(
        t -> t instanceof CliFailure f ? f.exitCode : CliFailure.REFUSED);
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          commandLine.getErr().println("interlock: " + ex.getMessage());
          commandLine.getErr().flush();
          return ex instanceof CliFailure f ? f.exitCode : CliFailure.REFUSED;
        });
    cli.setParameterExceptionHandler(
        (ex, argv) -> {
          ex.getCommandLine().getErr().println("interlock: " + ex.getMessage());
          ex.getCommandLine()
              .getErr()
              .println("try: interlock " + ex.getCommandLine().getCommandName() + " --help");
          ex.getCommandLine().getErr().flush();
          return CliFailure.USAGE;
        });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }
}
