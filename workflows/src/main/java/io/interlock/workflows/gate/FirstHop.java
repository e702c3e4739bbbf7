package io.interlock.workflows.gate;

import static io.interlock.workflows.gate.AuditTrail.detail;

import io.interlock.contract.activities.Look;
import io.interlock.contract.activities.LookRequest;
import io.interlock.contract.activities.ResolvedCall;
import io.interlock.contract.values.AuditKind;
import io.interlock.contract.values.Effect;
import io.interlock.contract.values.StepState;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;

/**
 * A step's first hop, one activity: the registry decides READ or WRITE (an unknown tool counts as
 * WRITE and is refused); a READ that may run now comes back already checked by policy and read, a
 * WRITE next in line already previewed and checked. The gate's stages use what it brought.
 */
final class FirstHop {
  private final TaskContext task;
  private final GateActivities act;
  private final AuditTrail audit;
  private final StepPolicy policy;

  FirstHop(TaskContext task, GateActivities act, AuditTrail audit, StepPolicy policy) {
    this.task = task;
    this.act = act;
    this.audit = audit;
    this.policy = policy;
  }

  /** A look that previews a resolved WRITE on its turn: access check, preview, PROPOSE check. */
  static LookRequest previewRequest(TaskContext task, Step s, StepPolicy policy) {
    return new LookRequest(task.environment(), s.call, policy.proposeCheck(s), false, true);
  }

  /** Resolves the step; the state a refusal leads to, or null when it may go on. */
  StepState resolve(Step s, boolean readNow, boolean previewNow) {
    Look look;
    try {
      look =
          act.look(
              new LookRequest(
                  task.environment(),
                  s.call,
                  readNow || previewNow ? policy.proposeCheck(s) : null,
                  readNow,
                  previewNow));
    } catch (ActivityFailure f) {
      s.effect = Effect.WRITE;
      return audit.failed(
          s, "could not resolve the tool: " + act.describe(f), AuditKind.TOOL_REFUSED);
    }
    ResolvedCall resolved = look.resolved();
    if (resolved.spec() == null) {
      s.effect = Effect.WRITE;
      return audit.failed(s, String.join("; ", resolved.problems()), AuditKind.TOOL_REFUSED);
    }
    s.looked = look;
    s.lookedAt = Workflow.currentTimeMillis();
    s.effect = resolved.spec().effect();
    s.idempotent = resolved.spec().idempotent();
    s.destructive = resolved.spec().destructive();
    audit.record(
        s.stepId,
        AuditKind.RESOLVED,
        "engine",
        detail("effect", s.effect, "idempotent", s.idempotent, "destructive", s.destructive));
    if (!resolved.problems().isEmpty()) {
      String why =
          "invalid arguments for " + s.call.tool() + ": " + String.join("; ", resolved.problems());
      return audit.failed(s, why, AuditKind.TOOL_REFUSED);
    }
    return null;
  }
}
