package io.interlock.activities.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.contract.activities.PolicyActivities;
import io.interlock.contract.activities.PolicyCheck;
import io.interlock.contract.activities.RequesterCheck;
import io.interlock.contract.activities.RequesterIdentity;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.ApprovalRecord;
import io.interlock.contract.values.CallerText;
import io.interlock.contract.values.Effect;
import io.interlock.contract.values.PolicyDecision;
import io.interlock.contract.values.PolicyStage;
import io.interlock.contract.values.ProofPolicy;
import io.interlock.contract.values.ProofVerdict;
import io.interlock.contract.values.TargetRef;
import io.interlock.contract.values.ToolSpec;
import io.interlock.workflows.lock.LockState;
import io.interlock.workflows.proof.ProofVerifier;
import io.interlock.workflows.proof.Statement;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Policy for one environment, served on that environment's activity queue. Checks run in a fixed
 * order and the first that denies decides, each with its own rule id: {@code environment.unknown},
 * {@code tools.allowed}, {@code namespace.scope}, {@code environment.lock}, {@code freeze.<id>},
 * {@code cel.<id>}, {@code approvals}, {@code rbac.ssar}. A freeze that break-glass may override
 * denies only after every other check passed, with {@code overridableBy} set; at RECHECK with a
 * valid break-glass approval it allows as {@code break-glass:freeze.<id>}. Anything unexpected
 * denies ({@code policy.error}): the engine fails closed.
 *
 * <p>Deterministic given (policy, check, clock), apart from the lock read and the access review.
 */
public class PolicyActivitiesImpl implements PolicyActivities {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mmxxx");

  private final PolicyFile policy;
  private final String environment;
  private final Clock clock;
  private final LockReader locks;
  private final AccessReview access;
  private final GroupDirectory directory;

  /**
   * @param policy the loaded policy file
   * @param environment the one environment this worker serves; checks for any other are denied
   * @param clock the time freeze windows, locks and rules see
   * @param locks reads the environment's run-time lock
   * @param access asks the cluster whether the engine's credentials may do a write
   */
  public PolicyActivitiesImpl(
      PolicyFile policy, String environment, Clock clock, LockReader locks, AccessReview access) {
    this(policy, environment, clock, locks, access, policy.groupDirectory());
  }

  /** As above, with groups from {@code directory} instead of the policy file's own. */
  public PolicyActivitiesImpl(
      PolicyFile policy,
      String environment,
      Clock clock,
      LockReader locks,
      AccessReview access,
      GroupDirectory directory) {
    this.policy = policy;
    this.environment = environment;
    this.clock = clock;
    this.locks = locks;
    this.access = access;
    this.directory = directory;
  }

  @Override
  public PolicyDecision check(PolicyCheck check) {
    return check(check, access);
  }

  /**
   * {@link #check} asking the cluster through {@code reviews}: a look's ACCESS and PROPOSE checks
   * share {@link AccessReview#once} of {@link #reviews()}.
   */
  public PolicyDecision check(PolicyCheck check, AccessReview reviews) {
    PolicyStage stage =
        check == null || check.stage() == null ? PolicyStage.PROPOSE : check.stage();
    try {
      return new Evaluation(check, stage, reviews).run();
    } catch (RuntimeException e) {
      // Fail closed: a bug or bad input never lets a write through.
      return new PolicyDecision(
          false,
          "policy.error",
          "policy evaluation failed (" + e + "); the call is blocked",
          0,
          List.of(),
          policy.version(),
          stage,
          Map.of("error", String.valueOf(e)),
          0,
          0,
          List.of());
    }
  }

  /** How this environment asks its cluster what the engine's credentials may do. */
  public AccessReview reviews() {
    return access;
  }

  @Override
  public RequesterIdentity identify(RequesterCheck check) {
    Optional<EnvironmentPolicy> env = policy.environment(environment);
    String mode = env.map(EnvironmentPolicy::requestProof).orElse(ProofPolicy.REQUIRED);
    if (check == null || env.isEmpty() || !environment.equals(check.environment())) {
      return new RequesterIdentity(
          ProofPolicy.REQUIRED,
          ProofVerdict.refused(
              "none",
              null,
              "environment '"
                  + (check == null ? null : check.environment())
                  + "' is not served here"),
          policy.version());
    }
    var proof = check.proof();
    Statement statement =
        Statement.request(
            check.taskId(),
            check.requester(),
            check.environment(),
            proof == null ? null : proof.issuedAt(),
            proof == null ? null : proof.expiresAt());
    ProofVerdict verdict =
        proof == null
            ? ProofVerdict.claim(statement.digest())
            : ProofVerifier.verify(
                proof, statement, policy.identities().resolve(mode), clock.millis(), 0);
    return new RequesterIdentity(mode, verdict, policy.version());
  }

  /**
   * One check's evaluation: each stage below denies or lets the next run; fields carry what they
   * learned.
   */
  private final class Evaluation {
    private final PolicyCheck check;
    private final PolicyStage stage;
    private final AccessReview reviews;
    private final Instant now;
    private EnvironmentPolicy env;
    private ProofPolicy keys;
    private ToolCall call;
    private ToolSpec spec;
    private Effect effect;
    private boolean write;
    private String toolEntry;
    private CallTarget target;

    /** A freeze that break glass may override: it denies last, after every other stage passed. */
    private FreezeHit overridable;

    private int celRequired;
    private String celRequiredBy;
    private int required;
    private String requiredBy;
    private Set<String> approvers;
    private List<String> breakers;

    /**
     * Who broke glass over {@link #overridable} with a counted approval (RECHECK only), or null.
     */
    private String breakGlassBy;

    Evaluation(PolicyCheck check, PolicyStage stage, AccessReview reviews) {
      this.check = check;
      this.stage = stage;
      this.reviews = reviews;
      this.now = clock.instant();
    }

    /**
     * The stages in order; the first denial decides (the class javadoc names each one's rule ids).
     */
    PolicyDecision run() {
      // ACCESS, before the preview: may the engine's credentials send this call (and so its dry
      // run, which the cluster authorizes like the write) at all; the rest is PROPOSE's.
      List<Supplier<PolicyDecision>> stages =
          stage == PolicyStage.ACCESS
              ? List.of(this::environment, this::tool, this::scope, this::rbac)
              : List.of(
                  this::environment,
                  this::tool,
                  this::scope,
                  this::lock,
                  this::freeze,
                  this::rules,
                  this::approvers,
                  this::approvals,
                  this::rbac,
                  this::unbrokenFreeze);
      for (Supplier<PolicyDecision> s : stages) {
        PolicyDecision denied = s.get();
        if (denied != null) {
          return denied;
        }
      }
      return stage == PolicyStage.ACCESS ? mayBeSent() : allowed();
    }

    private PolicyDecision mayBeSent() {
      return allow(
          "allow",
          "the engine may send " + call.tool() + " on " + describe(target) + " in " + environment,
          0,
          Set.of(),
          obs());
    }

    private PolicyDecision environment() {
      String asked = check.environment();
      if (!environment.equals(asked)) {
        return deny(
            "environment.unknown",
            "this worker serves environment '"
                + environment
                + "', not '"
                + asked
                + "'; the call must run on queue interlock-env-"
                + asked,
            obs("environment", asked, "served", environment));
      }
      Optional<EnvironmentPolicy> found = policy.environment(environment);
      if (found.isEmpty()) {
        return deny(
            "environment.unknown",
            "environment '"
                + environment
                + "' is not in policy "
                + policy.source()
                + " (configured: "
                + new TreeSet<>(policy.environments().keySet())
                + "); add it there",
            obs(
                "environment",
                environment,
                "configured",
                List.copyOf(new TreeSet<>(policy.environments().keySet()))));
      }
      env = found.get();
      return null;
    }

    private PolicyDecision tool() {
      call = check.call();
      if (call == null || call.tool() == null || call.tool().isBlank()) {
        return deny("tools.allowed", "the call names no tool", obs());
      }
      spec = check.spec();
      // Unknown tools count as writes.
      effect = spec == null || spec.effect() == null ? Effect.WRITE : spec.effect();
      write = effect == Effect.WRITE;
      toolEntry = env.allowedTools().match(call.tool(), effect);
      if (toolEntry == null) {
        return deny(
            "tools.allowed",
            "tool "
                + call.tool()
                + " ("
                + effect
                + ") is not allowed in environment "
                + environment
                + " (allowedTools: "
                + env.allowedTools().entries()
                + "); use an allowed tool or change the policy",
            obs(
                "tool",
                call.tool(),
                "effect",
                effect.name(),
                "allowed",
                env.allowedTools().entries()));
      }
      return null;
    }

    private PolicyDecision rules() {
      PolicyRules rules = policy.rules(environment);
      if (rules == null) {
        return null;
      }
      for (PolicyRules.Outcome o : rules.evaluate(celVariables())) {
        String ruleId = "cel." + o.rule().id();
        if (o.error() != null) {
          return deny(
              ruleId,
              "rule '"
                  + o.rule().id()
                  + "' could not be evaluated ("
                  + o.error()
                  + "), so the call is denied; fix the rule or the call's arguments",
              obs(
                  "expression",
                  o.rule().expression(),
                  "error",
                  o.error(),
                  "tool",
                  call.tool(),
                  "target",
                  describe(target)));
        }
        if (o.fired() && o.rule().deny()) {
          return deny(
              ruleId,
              o.rule().message() + " (rule " + o.rule().id() + ": " + o.rule().expression() + ")",
              obs(
                  "expression",
                  o.rule().expression(),
                  "tool",
                  call.tool(),
                  "target",
                  describe(target)));
        }
        if (o.fired() && write && o.rule().requireApprovals() > celRequired) {
          celRequired = o.rule().requireApprovals();
          celRequiredBy = ruleId;
        }
      }
      return null;
    }

    /**
     * How many approvals a write needs and who may give them (break glass adds one, and its
     * holders).
     */
    private PolicyDecision approvers() {
      ApprovalPolicy ar = env.approvals();
      if (write) {
        Integer perTool = ar.tools().get(call.tool());
        required = perTool != null ? perTool : ar.required();
        requiredBy = perTool != null ? "approvals.tools." + call.tool() : "approvals.required";
        boolean destructive = spec == null || spec.destructive();
        if (destructive && ar.destructive() > required) {
          required = ar.destructive();
          requiredBy = "approvals.destructive";
        }
        if (celRequired > required) {
          required = celRequired;
          requiredBy = celRequiredBy;
        }
      }
      approvers = expand(ar.groups());
      breakers = overridable == null ? List.of() : List.copyOf(expand(env.breakGlass().groups()));
      if (overridable != null) {
        required += 1;
        approvers.addAll(breakers);
      }
      if (write && approvers.isEmpty()) {
        return deny(
            "approvals",
            "nobody can approve writes in "
                + environment
                + ": groups "
                + ar.groups()
                + " have no members; add users to them",
            obs("groups", ar.groups()));
      }
      return null;
    }

    /** At RECHECK the accepted approvals must still satisfy the rule, each proof verified again. */
    private PolicyDecision approvals() {
      if (!write || stage != PolicyStage.RECHECK) {
        return null;
      }
      if (overridable != null
          && (check.breakGlassReason() == null || check.breakGlassReason().isBlank())) {
        // A freeze that began while approvals were pending blocks, whatever was approved.
        return freezeDeny(overridable, required, approvers, breakers);
      }
      ApprovalPolicy ar = env.approvals();
      List<ApprovalRecord> approvals = check.approvals() == null ? List.of() : check.approvals();
      Set<String> valid = new TreeSet<>();
      List<String> refused = new ArrayList<>();
      for (ApprovalRecord a : approvals) {
        if (a == null || a.approver() == null || a.approver().isBlank()) {
          continue;
        }
        String unproven = unproven(a, ar.proof());
        if (a.approver().equals(check.requester())) {
          refused.add(a.approver() + " (the requester)");
        } else if (!approvers.contains(a.approver())) {
          refused.add(a.approver() + " (not in " + ar.groups() + ")");
        } else if (unproven != null) {
          refused.add(a.approver() + " (proof: " + unproven + ")");
        } else {
          valid.add(a.approver());
        }
      }
      if (valid.size() < required) {
        return deny(
            "approvals",
            "needs "
                + required
                + " distinct approvals from "
                + groupsText(ar, overridable)
                + " but has "
                + valid.size()
                + (valid.isEmpty() ? "" : " " + valid)
                + (refused.isEmpty() ? "" : "; not counted: " + refused)
                + "; collect the missing approvals",
            obs(
                "required",
                required,
                "valid",
                List.copyOf(valid),
                "notCounted",
                refused,
                "approvers",
                List.copyOf(approvers)));
      }
      if (overridable != null) {
        for (ApprovalRecord a : approvals) {
          if (a != null
              && a.breakGlass() != null
              && !a.breakGlass().isBlank()
              && breakers.contains(a.approver())
              && !a.approver().equals(check.requester())) {
            breakGlassBy = a.approver();
            break;
          }
        }
      }
      return null;
    }

    /** An overridable freeze denies last, unless a counted break-glass approval overrode it. */
    private PolicyDecision unbrokenFreeze() {
      return overridable != null && breakGlassBy == null
          ? freezeDeny(overridable, required, approvers, breakers)
          : null;
    }

    private PolicyDecision allowed() {
      if (breakGlassBy != null) {
        return allow(
            "break-glass:" + overridable.ruleId(),
            "break glass by "
                + breakGlassBy
                + " (\""
                + check.breakGlassReason()
                + "\") overrides: "
                + overridable.reason(),
            required,
            approvers,
            obs(
                "overridden",
                overridable.ruleId(),
                "by",
                breakGlassBy,
                "breakGlassReason",
                check.breakGlassReason(),
                "window",
                overridable.observed()));
      }
      String needs =
          write
              ? "needs "
                  + required
                  + " approval"
                  + (required == 1 ? "" : "s")
                  + " from "
                  + env.approvals().groups()
                  + " ("
                  + requiredBy
                  + ")"
              : "a read needs no approval";
      return allow(
          "allow",
          call.tool()
              + " on "
              + describe(target)
              + " is allowed in "
              + environment
              + " (tools: '"
              + toolEntry
              + "'); "
              + needs,
          required,
          approvers,
          obs(
              "tool",
              call.tool(),
              "namespace",
              CallerText.shown(target.namespace()),
              "kind",
              CallerText.shown(target.kind()),
              "requiredApprovals",
              required,
              "requiredBy",
              requiredBy,
              "now",
              now.toString()));
    }

    private PolicyDecision scope() {
      target = CallTarget.of(call, check.preview());
      String kind = target.kind();
      if (KubernetesKinds.clusterScoped(kind)) {
        if (!env.allowedClusterScopedKinds().contains(kind)) {
          return deny(
              "namespace.scope",
              kind
                  + " is cluster-scoped and not in environment "
                  + environment
                  + "'s allowedClusterScopedKinds "
                  + env.allowedClusterScopedKinds()
                  + "; add it there if the engine should touch it",
              obs("kind", kind, "allowedClusterScopedKinds", env.allowedClusterScopedKinds()));
        }
        return null;
      }
      if (target.namespaces().isEmpty()) {
        return deny(
            "namespace.scope",
            "the call names no namespace for namespaced kind "
                + (kind == null ? "(unknown kind)" : kind)
                + "; name one of "
                + env.allowedNamespaces(),
            obs("kind", kind == null ? "" : kind, "allowed", env.allowedNamespaces()));
      }
      if (target.namespaces().size() > 1) {
        return deny(
            "namespace.scope",
            "the call names several namespaces "
                + new TreeSet<>(target.namespaces())
                + " (arguments, manifest and target must agree); name exactly one",
            obs(
                "namespaces",
                List.copyOf(new TreeSet<>(target.namespaces())),
                "allowed",
                env.allowedNamespaces()));
      }
      String ns = target.namespace();
      if (!env.allowedNamespaces().contains(ns)) {
        return deny(
            "namespace.scope",
            "namespace "
                + ns
                + " is not allowed in environment "
                + environment
                + " (allowed: "
                + env.allowedNamespaces()
                + "); target an allowed namespace",
            obs("namespace", ns, "allowed", env.allowedNamespaces()));
      }
      return null;
    }

    private PolicyDecision lock() {
      if (!write) {
        return null;
      }
      LockState lock;
      try {
        lock = locks.read(environment);
      } catch (RuntimeException e) {
        return deny(
            "environment.lock",
            "could not read the lock of "
                + environment
                + " ("
                + e.getMessage()
                + "); treated as locked, retry when Temporal answers",
            obs("error", String.valueOf(e)));
      }
      if (lock == null || !lock.locked()) {
        return null;
      }
      if (lock.until() != null && !now.isBefore(Instant.parse(lock.until()))) {
        return null; // expired by the policy's clock, even if the lock's timer has not fired yet
      }
      return deny(
          "environment.lock",
          "environment "
              + environment
              + " is locked by "
              + lock.by()
              + " since "
              + lock.since()
              + (lock.until() == null ? " until unlocked" : " until " + lock.until())
              + ": \""
              + lock.why()
              + "\"; wait for it to expire or ask "
              + lock.by()
              + " to unlock it",
          obs(
              "by",
              lock.by(),
              "why",
              lock.why(),
              "since",
              lock.since(),
              "until",
              lock.until() == null ? "until unlocked" : lock.until(),
              "now",
              now.toString()));
    }

    /**
     * A window that cannot be overridden denies now; the first overridable one is kept for later.
     */
    private PolicyDecision freeze() {
      if (!write) {
        return null;
      }
      List<FreezeWindow> allowWindows = new ArrayList<>();
      boolean insideAllow = false;
      for (FreezeWindow w : env.freezeWindows()) {
        Optional<WindowSchedule.Occurrence> o = w.occurrenceAt(now);
        if (w.type() == FreezeWindow.Type.ALLOW) {
          allowWindows.add(w);
          insideAllow |= o.isPresent();
          continue;
        }
        if (o.isEmpty()) {
          continue;
        }
        String at = MINUTE.format(now.atZone(w.zone()));
        String reason =
            "freeze window '"
                + w.id()
                + "' ("
                + w.describe(o.get())
                + ") is active at "
                + at
                + (w.message() == null ? "" : " — " + w.message());
        Map<String, Object> seen =
            obs(
                "window",
                w.id(),
                "timezone",
                w.zone().getId(),
                "start",
                o.get().start().toString(),
                "end",
                o.get().end().toString(),
                "now",
                at);
        FreezeHit hit = new FreezeHit("freeze." + w.id(), reason, seen);
        if (!w.breakGlass() || env.breakGlass() == null) {
          return deny(
              hit.ruleId(),
              reason + "; wait until it ends (this window cannot be overridden)",
              seen);
        }
        if (overridable == null) {
          overridable = hit;
        }
      }
      if (!allowWindows.isEmpty() && !insideAllow) {
        List<String> ids = allowWindows.stream().map(FreezeWindow::id).toList();
        ZoneId zone = allowWindows.get(0).zone();
        return deny(
            "freeze.outside-allow-windows",
            "writes in "
                + environment
                + " are allowed only inside change windows "
                + ids
                + " and none is open at "
                + MINUTE.format(now.atZone(zone))
                + "; wait for the next one",
            obs("allowWindows", ids, "now", now.toString()));
      }
      return null;
    }

    /** The engine's own permission for a write, confirmed by the cluster. */
    private PolicyDecision rbac() {
      if (!write) {
        return null;
      }
      String tool = call.tool();
      // Before the preview nobody knows whether an applied object exists: its create waits for it.
      List<AccessRequest> needed = WriteAccess.required(tool, target, stage != PolicyStage.ACCESS);
      if (needed == null) {
        return deny(
            "rbac.ssar",
            "no permission mapping for Kubernetes write tool "
                + tool
                + ", so the engine cannot confirm it may run it",
            obs("tool", tool));
      }
      for (AccessRequest r : needed) {
        AccessVerdict v;
        try {
          v = reviews.review(r);
        } catch (RuntimeException e) {
          return deny(
              "rbac.ssar",
              "could not confirm the engine may "
                  + r.describe()
                  + " in "
                  + environment
                  + " ("
                  + e.getMessage()
                  + "); nothing was changed",
              obs("request", r.describe(), "error", String.valueOf(e)));
        }
        if (v == null || !v.allowed()) {
          String said =
              v == null || v.reason() == null || v.reason().isBlank()
                  ? ""
                  : " (cluster said: " + v.reason() + ")";
          return deny(
              "rbac.ssar",
              "the engine's credentials for "
                  + environment
                  + " may not "
                  + r.describe()
                  + said
                  + "; grant it in the worker's Role (deploy/rbac) or drop the step — nothing was changed",
              obs(
                  "verb",
                  r.verb(),
                  "group",
                  r.group(),
                  "resource",
                  r.resource(),
                  "subresource",
                  r.subresource(),
                  "namespace",
                  r.namespace(),
                  "name",
                  r.name()));
        }
      }
      return null;
    }

    private Map<String, Object> celVariables() {
      Map<String, Object> callMap = new LinkedHashMap<>();
      callMap.put("tool", call.tool());
      @SuppressWarnings("unchecked")
      Map<String, Object> args = new LinkedHashMap<>((Map<String, Object>) plain(call.args()));
      if (args.containsKey("kind") && target.kind() != null) {
        // Rules see the normalised kind ("cm", "SECRET" and "configmaps" read as ConfigMap,
        // Secret):
        // an alias must not dodge a rule written for the real name.
        args.put("kind", target.kind());
      }
      callMap.put("args", args);
      Map<String, Object> targetMap = new LinkedHashMap<>();
      TargetRef ref = check.preview() == null ? null : check.preview().target();
      put(targetMap, "apiVersion", target.apiVersion());
      put(targetMap, "kind", target.kind());
      put(targetMap, "namespace", target.namespace());
      put(targetMap, "name", target.name());
      targetMap.put("exists", target.exists());
      if (ref != null) {
        put(targetMap, "uid", ref.uid());
        put(targetMap, "resourceVersion", ref.resourceVersion());
      }
      JsonNode intended = check.preview() == null ? null : check.preview().intended();
      if (intended != null && !intended.isNull()) {
        put(targetMap, "intended", plain(JSON.convertValue(intended, Object.class)));
      }
      Map<String, Object> specMap = new LinkedHashMap<>();
      specMap.put("name", call.tool());
      specMap.put("effect", effect.name());
      specMap.put("destructive", spec == null || spec.destructive());
      specMap.put("idempotent", spec != null && spec.idempotent());
      Map<String, Object> vars = new LinkedHashMap<>();
      vars.put("call", callMap);
      vars.put("target", targetMap);
      vars.put("spec", specMap);
      vars.put("environment", environment);
      vars.put("requester", check.requester() == null ? "" : check.requester());
      vars.put("stage", stage.name()); // rules compare it with a string
      vars.put("now", now);
      return vars;
    }

    /**
     * Verifies an accepted approval's proof again, against the keys policy lists now and at the
     * time it was accepted: a key revoked since then stops the write. Null when it still holds.
     */
    private String unproven(ApprovalRecord a, String mode) {
      if (a.batch() != null) {
        return batchKeyGone(a);
      }
      ApprovalProof proof = a.evidence();
      if (proof == null) {
        return ProofPolicy.CLAIMED.equals(mode) ? null : "no proof, and approvals.proof is " + mode;
      }
      Statement statement =
          Statement.decision(
              check.taskRunId(),
              check.stepId(),
              check.callHash(),
              a.approver(),
              true,
              a.comment(),
              a.breakGlass(),
              proof.issuedAt(),
              proof.expiresAt());
      long at;
      try {
        at = Instant.parse(a.at()).toEpochMilli();
      } catch (RuntimeException e) {
        return "unreadable approval time " + a.at();
      }
      ProofVerdict v = ProofVerifier.verify(proof, statement, keys(), at, 0);
      return v.verified() ? null : v.problem();
    }

    /**
     * An approval from a batch statement: the workflow verified its one proof over the whole
     * statement (the history holds both); here the key or issuer that proved it must still be
     * listed, so a key revoked since then stops the write. Null when it still is.
     */
    private String batchKeyGone(ApprovalRecord a) {
      ProofVerdict v = a.proof();
      if (v == null || !v.verified()) {
        return ProofPolicy.CLAIMED.equals(env.approvals().proof())
            ? null
            : "the batch approval was not verified, and approvals.proof is "
                + env.approvals().proof();
      }
      if (v.keyFingerprint() != null) {
        List<String> listed = keys().sshKeys().getOrDefault(a.approver(), List.of());
        boolean still = listed.stream().anyMatch(k -> fingerprintOf(k).equals(v.keyFingerprint()));
        return still
            ? null
            : "the key "
                + v.keyFingerprint()
                + " that signed batch "
                + a.batch()
                + " is no longer listed";
      }
      List<String> issuerKeys = keys().issuers().getOrDefault(v.issuer(), List.of());
      return issuerKeys.isEmpty()
          ? "the issuer " + v.issuer() + " that signed batch " + a.batch() + " is no longer trusted"
          : null;
    }

    private static String fingerprintOf(String keyLine) {
      try {
        return io.interlock.workflows.proof.SshKeys.fingerprint(keyLine);
      } catch (RuntimeException e) {
        return ""; // an unreadable key line proves nothing
      }
    }

    /**
     * The keys, read once per evaluation (their files are read on use, not per approval or
     * decision).
     */
    private ProofPolicy keys() {
      if (keys == null) {
        keys =
            policy.identities().resolve(env.approvals().proof()).withBatch(env.approvals().batch());
      }
      return keys;
    }

    private ProofPolicy proofs(Collection<String> identities) {
      return keys().forIdentities(identities);
    }

    private PolicyDecision freezeDeny(
        FreezeHit h, int required, Set<String> approvers, List<String> breakers) {
      return new PolicyDecision(
          false,
          h.ruleId(),
          h.reason()
              + "; wait until it ends or ask a member of "
              + env.breakGlass().groups()
              + " "
              + breakers
              + " to break glass (an approval with a reason, plus one extra approval)",
          required,
          List.copyOf(approvers),
          policy.version(),
          stage,
          h.observed(),
          env.approvals().maxApprovalSeconds(),
          env.verifyBudgetSeconds(),
          breakers,
          proofs(approvers));
    }

    private Set<String> expand(Collection<String> groups) {
      Set<String> users = new TreeSet<>();
      for (String g : groups) {
        users.addAll(directory.members(g));
      }
      return users;
    }

    private String groupsText(ApprovalPolicy ar, FreezeHit overridable) {
      return overridable == null
          ? ar.groups().toString()
          : ar.groups() + " + break-glass " + env.breakGlass().groups();
    }

    private PolicyDecision deny(String ruleId, String reason, Map<String, Object> observed) {
      long maxApproval = env == null ? 0 : env.approvals().maxApprovalSeconds();
      long verify = env == null ? 0 : env.verifyBudgetSeconds();
      return new PolicyDecision(
          false,
          ruleId,
          reason,
          0,
          List.of(),
          policy.version(),
          stage,
          observed,
          maxApproval,
          verify,
          List.of());
    }

    private PolicyDecision allow(
        String ruleId,
        String reason,
        int required,
        Set<String> approvers,
        Map<String, Object> observed) {
      return new PolicyDecision(
          true,
          ruleId,
          reason,
          required,
          List.copyOf(approvers),
          policy.version(),
          stage,
          observed,
          env.approvals().maxApprovalSeconds(),
          env.verifyBudgetSeconds(),
          List.of(),
          proofs(approvers));
    }
  }

  private record FreezeHit(String ruleId, String reason, Map<String, Object> observed) {}

  private static String describe(CallTarget t) {
    // The call's own words, repeated short: a reason never grows with the input.
    String kind = t.kind() == null ? "object" : CallerText.shown(t.kind());
    String ns = t.namespace() == null ? "" : CallerText.shown(t.namespace()) + "/";
    return kind + " " + ns + (t.name() == null ? "?" : CallerText.shown(t.name()));
  }

  /** Key/value pairs for {@code observed}; null values are left out (payloads carry no nulls). */
  private static Map<String, Object> obs(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        m.put(String.valueOf(kv[i]), kv[i + 1]);
      }
    }
    return m;
  }

  private static void put(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  /**
   * Plain CEL values: whole numbers as Long, others as Double, no nulls (absent keys test false
   * with has()).
   */
  static Object plain(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach(
          (k, v) -> {
            if (k != null && v != null) {
              out.put(String.valueOf(k), plain(v));
            }
          });
      return out;
    }
    if (value instanceof Collection<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object v : list) {
        if (v != null) {
          out.add(plain(v));
        }
      }
      return out;
    }
    if (value instanceof JsonNode node) {
      return plain(JSON.convertValue(node, Object.class));
    }
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger b) {
      return b.longValue();
    }
    if (value instanceof BigDecimal d) {
      return d.stripTrailingZeros().scale() <= 0
          ? (Object) d.longValue()
          : (Object) d.doubleValue();
    }
    if (value instanceof Float || value instanceof Double) {
      return ((Number) value).doubleValue();
    }
    if (value instanceof Boolean || value instanceof String) {
      return value;
    }
    return String.valueOf(value);
  }
}
