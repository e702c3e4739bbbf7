package io.interlock.worker.cli;

/** Ends a command with an exit code and a message that says what to do. */
final class CliFailure extends RuntimeException {
  static final int REFUSED = 1;
  static final int USAGE = 2;
  static final int NOT_FOUND = 3;
  static final int AUTH = 4;

  final int exitCode;

  CliFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }
}
