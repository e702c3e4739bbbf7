package io.interlock.workflows.lock;

/** Clear an environment's lock: who clears it and why (both recorded). */
public record UnlockRequest(String who, String why) {}
