package io.interlock.worker.environments;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.interlock.activities.policy.EnvironmentPolicy;
import io.interlock.activities.policy.FreezeWindow;
import io.interlock.activities.policy.WindowSchedule;
import io.interlock.contract.values.CallerText;
import io.interlock.worker.api.ApiException;
import io.interlock.worker.auth.Caller;
import io.interlock.worker.temporal.ClientsByIdentity;
import io.interlock.workflows.lock.EnvironmentLockClient;
import io.interlock.workflows.lock.LockState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** Environments as the policy defines them, with their live lock and their freeze windows. */
@ApplicationScoped
public class EnvironmentService {
  /** How far ahead upcoming freeze windows are looked for, and how finely. */
  private static final Duration LOOKAHEAD = Duration.ofDays(14);

  private final PolicyView policy;
  private final ClusterClients clusters;
  private final WorkflowClient client;
  private final ClientsByIdentity clients;

  public EnvironmentService(
      PolicyView policy,
      ClusterClients clusters,
      WorkflowClient client,
      ClientsByIdentity clients) {
    this.policy = policy;
    this.clusters = clusters;
    this.client = client;
    this.clients = clients;
  }

  /** One environment: where it points, what it allows, who approves, its lock and freezes. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record EnvironmentView(
      String name,
      boolean served,
      String cluster,
      List<String> allowedNamespaces,
      List<String> allowedTools,
      int requiredApprovals,
      int destructiveApprovals,
      List<String> approverGroups,
      List<String> approvers,
      List<String> breakGlassGroups,
      LockState lock,
      List<FreezeView> freezeWindows,
      String policyVersion) {}

  /** A freeze window: whether it is open now, and its current or next occurrence. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FreezeView(
      String id,
      String type,
      String zone,
      boolean active,
      String start,
      String end,
      boolean breakGlass,
      String message) {}

  public List<EnvironmentView> list() {
    return policy.environmentNames().stream().map(this::view).toList();
  }

  public EnvironmentView get(String name) {
    return view(require(name).name());
  }

  private EnvironmentView view(String name) {
    EnvironmentPolicy e = require(name);
    boolean served = policy.served().contains(name);
    return new EnvironmentView(
        name,
        served,
        served ? clusters.describe(name) : e.cluster().describe() + " (not served by this worker)",
        e.allowedNamespaces(),
        e.allowedTools().entries(),
        e.approvals().required(),
        e.approvals().destructive(),
        e.approvals().groups(),
        expand(e.approvals().groups()),
        e.breakGlass() == null ? List.of() : e.breakGlass().groups(),
        lockOf(name),
        freezes(e, Instant.now()),
        policy.file().version());
  }

  private LockState lockOf(String name) {
    try {
      return new EnvironmentLockClient(client).read(name);
    } catch (RuntimeException e) {
      // Unknown lock state: say so rather than claim it is unlocked.
      return new LockState(
          name, true, null, "lock state unavailable: " + e.getMessage(), null, null);
    }
  }

  private List<String> expand(List<String> groups) {
    TreeSet<String> users = new TreeSet<>();
    groups.forEach(g -> users.addAll(policy.file().groups().getOrDefault(g, List.of())));
    return List.copyOf(users);
  }

  static List<FreezeView> freezes(EnvironmentPolicy e, Instant now) {
    List<FreezeView> out = new ArrayList<>();
    for (FreezeWindow w : e.freezeWindows()) {
      Optional<WindowSchedule.Occurrence> current = w.occurrenceAt(now);
      Optional<WindowSchedule.Occurrence> shown =
          current.or(() -> w.next(now, now.plus(LOOKAHEAD)));
      out.add(
          new FreezeView(
              w.id(),
              w.type().name(),
              w.zone().getId(),
              current.isPresent(),
              shown.map(o -> o.start().toOffsetDateTime().toString()).orElse(null),
              shown.map(o -> o.end().toOffsetDateTime().toString()).orElse(null),
              w.breakGlass(),
              w.message()));
    }
    return out;
  }

  public LockState lock(Caller caller, String env, String reason, String until) {
    require(env);
    if (caller.isAgent()) {
      throw ApiException.forbidden(
          "agents cannot lock or unlock environments",
          "'"
              + caller.user()
              + "' is an agent: a lock changes what everyone may do, so only people set it",
          "ask a human operator");
    }
    if (reason == null || reason.isBlank()) {
      throw ApiException.badRequest(
          "reason is required",
          "a lock stops every write; the reason tells everyone why",
          "send {\"reason\":\"incident 123\",\"until\":\"2030-01-01T00:00:00Z\"}");
    }
    Instant untilAt = null;
    if (until != null && !until.isBlank()) {
      try {
        untilAt = Instant.parse(until);
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest(
            "until must be an ISO-8601 instant such as 2030-01-01T00:00:00Z",
            "'" + CallerText.shown(until) + "' is not one",
            "or leave it out");
      }
    }
    try {
      return new EnvironmentLockClient(clients.of(caller.user()))
          .lock(env, caller.user(), reason, untilAt);
    } catch (WorkflowUpdateException e) {
      throw ApiException.conflict("lock refused", reason(e), "fix the request and try again");
    }
  }

  public LockState unlock(Caller caller, String env, String reason) {
    EnvironmentPolicy e = require(env);
    if (caller.isAgent()) {
      throw ApiException.forbidden(
          "agents cannot lock or unlock environments",
          "'"
              + caller.user()
              + "' is an agent: a lock changes what everyone may do, so only people set it",
          "ask a human operator");
    }
    if (!expand(e.approvals().groups()).contains(caller.user())) {
      // Unlocking re-opens writes: only people who could approve them may do it.
      throw ApiException.forbidden(
          "only approvers of " + env + " may unlock it: " + expand(e.approvals().groups()),
          "unlocking re-opens writes, so only people who could approve them may do it",
          "ask one of them");
    }
    try {
      return new EnvironmentLockClient(clients.of(caller.user()))
          .unlock(
              env, caller.user(), reason == null || reason.isBlank() ? "unlocked via API" : reason);
    } catch (WorkflowUpdateException ex) {
      throw ApiException.conflict("unlock refused", reason(ex), "fix the request and try again");
    }
  }

  private EnvironmentPolicy require(String name) {
    return policy
        .environment(name)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "unknown environment '" + CallerText.shown(name) + "'",
                    "the policy defines the environments: " + policy.environmentNames(),
                    "use one of them"));
  }

  private static String reason(WorkflowUpdateException e) {
    return e.getCause() instanceof ApplicationFailure af
        ? af.getOriginalMessage()
        : String.valueOf(e.getCause());
  }
}
