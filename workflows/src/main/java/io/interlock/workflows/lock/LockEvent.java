package io.interlock.workflows.lock;

/**
 * One change of an environment's lock, kept as the lock's audit trail.
 *
 * @param seq increasing across continue-as-new runs
 * @param at ISO-8601 workflow time of the change
 * @param kind LOCKED, UNLOCKED or EXPIRED
 * @param who who changed it ("interlock" for an expiry)
 * @param why the reason given
 * @param until the expiry of a LOCKED event (null for none)
 */
public record LockEvent(long seq, String at, String kind, String who, String why, String until) {
  public static final String LOCKED = "LOCKED";
  public static final String UNLOCKED = "UNLOCKED";
  public static final String EXPIRED = "EXPIRED";
}
