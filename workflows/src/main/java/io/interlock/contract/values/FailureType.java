package io.interlock.contract.values;

/** Every failure an activity reports, as the {@code ApplicationFailure} type the workflow sees. */
public enum FailureType {
  /** The tool is not in this worker's registry. */
  UNKNOWN_TOOL,
  /** Arguments do not match the tool's schema, or name something that cannot be acted on. */
  INVALID_ARGS,
  /** The target object does not exist. */
  NOT_FOUND,
  /** The object changed since the approved snapshot (uid or resourceVersion differ). */
  TARGET_CHANGED,
  /** Server-side apply conflict with another field manager. */
  CONFLICT,
  /** The engine's credentials may not do this (SelfSubjectAccessReview or a 403). */
  FORBIDDEN,
  /** A WRITE tool was asked to run as a read, or the reverse. */
  WRONG_EFFECT,
  /** The environment is not served by this worker or not configured. */
  UNKNOWN_ENVIRONMENT,
  /** The cluster answered with an error we cannot classify; retrying may help. */
  CLUSTER_ERROR;

  public String type() {
    return name();
  }
}
