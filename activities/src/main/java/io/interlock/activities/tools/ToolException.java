package io.interlock.activities.tools;

import io.interlock.contract.values.FailureType;

/** A tool failure with its type; the activity layer turns it into an ApplicationFailure. */
public class ToolException extends RuntimeException {
  private final FailureType type;

  public ToolException(FailureType type, String message) {
    super(message);
    this.type = type;
  }

  public ToolException(FailureType type, String message, Throwable cause) {
    super(message, cause);
    this.type = type;
  }

  public FailureType type() {
    return type;
  }

  /** Only cluster errors we cannot classify may help by retrying. */
  public boolean retryable() {
    return type == FailureType.CLUSTER_ERROR;
  }
}
