package io.interlock.workflows.lock;

/**
 * An environment's lock as the lock workflow holds it.
 *
 * @param locked true while writes to the environment are blocked
 * @param by who set the current lock (null when unlocked)
 * @param why the reason given (null when unlocked)
 * @param since ISO-8601 instant the lock was set (null when unlocked)
 * @param until ISO-8601 instant the lock expires, null for "until unlocked"
 */
public record LockState(
    String environment, boolean locked, String by, String why, String since, String until) {

  public static LockState unlocked(String environment) {
    return new LockState(environment, false, null, null, null, null);
  }
}
