package io.interlock.activities.policy;

import java.util.List;

/**
 * A policy file that cannot be used. The message names the file, each field path ({@code
 * environments.prod.freezeWindows[1].timezone}) and its problem; start-up stops on it.
 */
public class PolicyException extends RuntimeException {
  private final String file;
  private final List<String> problems;

  public PolicyException(String file, List<String> problems) {
    super(format(file, problems));
    this.file = file;
    this.problems = List.copyOf(problems);
  }

  public PolicyException(String file, String problem, Throwable cause) {
    super(format(file, List.of(problem)), cause);
    this.file = file;
    this.problems = List.of(problem);
  }

  /** The file (path or classpath resource) that was rejected. */
  public String file() {
    return file;
  }

  /** Each problem as {@code field.path: what is wrong}. */
  public List<String> problems() {
    return problems;
  }

  private static String format(String file, List<String> problems) {
    if (problems.size() == 1) {
      return "policy file " + file + " is invalid: " + problems.get(0);
    }
    return "policy file "
        + file
        + " is invalid ("
        + problems.size()
        + " problems):\n  - "
        + String.join("\n  - ", problems);
  }
}
