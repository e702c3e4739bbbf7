package io.interlock.workflows.gate;

import static io.interlock.workflows.gate.AuditTrail.detail;

import io.interlock.contract.activities.Look;
import io.interlock.contract.activities.PolicyCheck;
import io.interlock.contract.values.AuditKind;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.contract.values.PolicyStage;
import io.interlock.contract.values.StepState;
import io.interlock.contract.values.ToolSpec;
import io.interlock.workflows.StepBudget;
import io.temporal.failure.ActivityFailure;
import java.util.List;
import java.util.Map;

/** The gate's policy stages: asks the policy activity (fail closed), records, passes or blocks. */
final class StepPolicy {
  private static final String ENGINE = "engine";

  private final TaskContext task;
  private final GateActivities act;
  private final AuditTrail audit;

  StepPolicy(TaskContext task, GateActivities act, AuditTrail audit) {
    this.task = task;
    this.act = act;
    this.audit = audit;
  }

  /** Reads need no approval, but obey the environment, its namespaces and its allowed tools. */
  StepState checkRead(Step s) {
    Look look = s.looked;
    if (look != null && look.policy() != null) {
      s.policy = StepBudget.bounded(look.policy());
    } else if (look != null && look.policyFailure() != null) {
      s.policy = failClosed(look.policyFailure(), PolicyStage.PROPOSE);
    } else {
      s.policy = ask(s, PolicyStage.PROPOSE);
    }
    return s.policy.allowed() ? StepState.RUNNING : block(s, s.policy);
  }

  /** A denial at PROPOSE that policy lets approvers override (break glass) still goes to them. */
  StepState check(Step s, PolicyStage stage) {
    Look look = stage == PolicyStage.PROPOSE ? s.looked : null;
    s.looked = null;
    PolicyDecision d;
    if (look != null && look.policy() != null) {
      d = StepBudget.bounded(look.policy());
    } else if (look != null && look.policyFailure() != null) {
      d = failClosed(look.policyFailure(), stage);
    } else {
      d = ask(s, stage);
    }
    if (stage == PolicyStage.PROPOSE) {
      s.policy = d;
    } else {
      s.recheck = d;
    }
    audit.record(s.stepId, stage.audit(), ENGINE, detail(d));
    boolean overridable = stage == PolicyStage.PROPOSE && !d.overridableBy().isEmpty();
    return d.allowed() || overridable ? stage.passed() : block(s, d);
  }

  /**
   * The engine may not send the call, so its preview was not sent either: the look's ACCESS denial
   * is the step's policy decision; a look without one (the check could not run) fails closed.
   */
  StepState blockAccess(Step s, Look look) {
    PolicyDecision d =
        look.accessDenied() != null
            ? StepBudget.bounded(look.accessDenied())
            : failClosed(
                look.policyFailure() == null
                    ? "the first hop returned nothing"
                    : look.policyFailure(),
                PolicyStage.ACCESS);
    s.policy = d;
    audit.record(s.stepId, AuditKind.ACCESS, ENGINE, detail(d));
    return block(s, d);
  }

  private StepState block(Step s, PolicyDecision d) {
    s.error =
        "blocked by policy rule "
            + d.ruleId()
            + " ("
            + d.stage()
            + ", policy "
            + d.policyVersion()
            + "): "
            + d.reason();
    audit.record(s.stepId, AuditKind.BLOCKED, ENGINE, detail(d));
    return AuditKind.BLOCKED.leadsTo();
  }

  /** The PROPOSE check a first hop runs (the activity fills in the spec and the preview). */
  PolicyCheck proposeCheck(Step s) {
    return request(s, PolicyStage.PROPOSE, null);
  }

  private PolicyDecision ask(Step s, PolicyStage stage) {
    try {
      ToolSpec spec =
          new ToolSpec(s.call.tool(), s.effect, s.idempotent, s.destructive, null, null, null);
      return StepBudget.bounded(act.check(request(s, stage, spec)));
    } catch (ActivityFailure f) {
      return failClosed(act.describe(f), stage);
    }
  }

  private PolicyCheck request(Step s, PolicyStage stage, ToolSpec spec) {
    String breakGlass =
        stage == PolicyStage.RECHECK && ApprovalRules.needsBreakGlass(s)
            ? ApprovalRules.breakGlassReason(s)
            : null;
    return new PolicyCheck(
        stage,
        task.taskId(),
        s.stepId,
        task.requester(),
        task.environment(),
        s.call,
        spec,
        s.preview,
        List.copyOf(s.approvals),
        breakGlass,
        task.taskRunId(),
        s.callHash);
  }

  /** No policy answer is a denial. */
  private static PolicyDecision failClosed(String why, PolicyStage stage) {
    return new PolicyDecision(
        false,
        "policy.unavailable",
        "policy could not be evaluated: " + why + "; the step is blocked (fail closed)",
        0,
        List.of(),
        "unknown",
        stage,
        Map.of(),
        0,
        0,
        List.of());
  }

  private static Map<String, Object> detail(PolicyDecision d) {
    return AuditTrail.detail(
        "stage",
        d.stage(),
        "allowed",
        d.allowed(),
        "ruleId",
        d.ruleId(),
        "reason",
        d.reason(),
        "policyVersion",
        d.policyVersion(),
        "requiredApprovals",
        d.requiredApprovals(),
        "observed",
        d.observed(),
        "overridableBy",
        d.overridableBy());
  }
}
