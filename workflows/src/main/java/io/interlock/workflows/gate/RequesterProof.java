package io.interlock.workflows.gate;

import static io.interlock.workflows.gate.AuditTrail.detail;

import io.interlock.contract.activities.RequesterCheck;
import io.interlock.contract.activities.RequesterIdentity;
import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.AuditKind;
import io.interlock.contract.values.ProofPolicy;
import io.interlock.contract.values.ProofVerdict;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;

/**
 * Who asked for the task, as the environment's worker proved it; an unproven requester fails the
 * task.
 */
final class RequesterProof {
  private RequesterProof() {}

  /** The identity the environment's worker proved (or refused), recorded. */
  static RequesterIdentity identify(
      TaskContext task, ApprovalProof proof, GateActivities act, AuditTrail audit) {
    RequesterIdentity identity;
    try {
      identity =
          act.identify(
              new RequesterCheck(task.taskId(), task.requester(), task.environment(), proof));
    } catch (ActivityFailure f) {
      identity =
          new RequesterIdentity(
              ProofPolicy.REQUIRED,
              ProofVerdict.refused(
                  "none", null, "the requester could not be verified: " + act.describe(f)),
              "unknown");
    }
    audit.record(
        null,
        AuditKind.REQUESTER,
        task.requester(),
        detail(
            "mode",
            identity.mode(),
            "proof",
            identity.verdict(),
            "policyVersion",
            identity.policyVersion()));
    return identity;
  }

  /** Fails the task, after recording why, when the environment requires a proof it did not get. */
  static void requireAccepted(TaskContext task, RequesterIdentity identity, AuditTrail audit) {
    if (!identity.accepted()) {
      String why =
          "requester '"
              + task.requester()
              + "' is not proven ("
              + identity.verdict().problem()
              + ") and environment "
              + task.environment()
              + " requires requests.proof: "
              + identity.mode()
              + "; start the task with requesterProof (see `interlock sign --request`) or through the Interlock API";
      audit.record(null, AuditKind.REQUEST_REFUSED, "engine", detail("why", why));
      audit.flush(); // the refusal is in the history before the task fails
      throw ApplicationFailure.newNonRetryableFailure(why, "REQUESTER_UNPROVEN");
    }
  }
}
