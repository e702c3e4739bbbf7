package io.interlock.workflows.lock;

/**
 * Lock an environment.
 *
 * @param who the person or system locking it (recorded, shown by every surface)
 * @param why required: the reason shown to anyone whose write is blocked
 * @param until ISO-8601 instant when the lock expires by itself; null locks until someone unlocks
 */
public record LockRequest(String who, String why, String until) {}
