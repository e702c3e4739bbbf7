package io.interlock.worker.crash;

import java.util.List;

/**
 * What happens to one load task's write, and what it must end as: its environment, its steps'
 * states, the task's state, the engine's writes to its target and, for a step blocked at the
 * re-check, the rule that blocked it.
 */
enum LoadKind {
  /** Approved with a proof: runs and verifies. */
  APPROVE("staging", List.of("VERIFIED"), "COMPLETED", 1, null),
  REJECT("staging", List.of("REJECTED"), "HALTED", 0, null),
  /** Left alone past its 10 s approval deadline. */
  EXPIRE("staging", List.of("EXPIRED"), "HALTED", 0, null),
  /** A raw Temporal signal naming bob with a forged proof (refused, recorded), then rejected. */
  BAD_PROOF("staging", List.of("REJECTED"), "HALTED", 0, null),
  /** The requester alice approves her own write (409, recorded), then bob does. */
  SELF_APPROVAL("staging", List.of("VERIFIED"), "COMPLETED", 1, null),
  /** The target changed at the API server after the preview, then approved: nothing written. */
  TARGET_CHANGED("staging", List.of("FAILED"), "HALTED", 0, null),
  /** An image that crash-loops; the proposed rollback is approved and verifies. */
  ROLLBACK("staging", List.of("VERIFICATION_FAILED", "VERIFIED"), "HALTED", 2, null),
  /** Approved after its environment's freeze window opened: blocked at the re-check. */
  FREEZE_STARTS(LoadPolicy.FROZEN, List.of("BLOCKED"), "HALTED", 0, LoadPolicy.FREEZE_RULE),
  /** Approved after its environment was locked: blocked at the re-check. */
  LOCK_SET(LoadPolicy.LOCKED, List.of("BLOCKED"), "HALTED", 0, LoadPolicy.LOCK_RULE);

  final String environment;
  final List<String> steps;
  final String task;
  final int writes;

  /** The re-check's rule id for a step it blocked; null when nothing blocks it. */
  final String rule;

  LoadKind(String environment, List<String> steps, String task, int writes, String rule) {
    this.environment = environment;
    this.steps = steps;
    this.task = task;
    this.writes = writes;
    this.rule = rule;
  }

  String requester() {
    return this == SELF_APPROVAL ? Topology.ALICE : Topology.AGENT;
  }
}
