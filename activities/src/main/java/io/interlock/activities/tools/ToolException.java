package io.interlock.activities.tools;

import io.interlock.contract.values.FailureType;
import io.temporal.failure.ApplicationFailure;

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

  /**
   * This failure as the workflow receives it: its type, the retry decision, and the exception it
   * was translated from (an API server's answer) as cause, so its status and stack are kept.
   */
  public ApplicationFailure toApplicationFailure() {
    return retryable()
        ? ApplicationFailure.newFailureWithCause(getMessage(), type.type(), getCause())
        : ApplicationFailure.newNonRetryableFailureWithCause(getMessage(), type.type(), getCause());
  }
}
