package io.interlock.worker.tasks;

import io.interlock.activities.policy.EnvironmentPolicy;
import io.interlock.worker.api.ApiError;
import io.interlock.worker.api.ApiException;
import io.interlock.worker.auth.Caller;
import io.interlock.worker.environments.PolicyView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who may read a task (its steps, read results, audit and history): its requester, whoever may
 * approve in its environment ({@code approvals.groups}, {@code breakGlass.groups}), and the
 * policy's {@code reviewers.groups}. Anyone else is answered exactly as for a task that does not
 * exist, so task ids cannot be probed.
 */
@ApplicationScoped
public class TaskReaders {
  private final PolicyView policy;

  public TaskReaders(PolicyView policy) {
    this.policy = policy;
  }

  /**
   * What one caller may read, worked out once per request.
   *
   * @param everyTask the caller is a reviewer
   * @param environments where the caller may approve, and so read every task
   */
  public record ReadScope(String user, boolean everyTask, Set<String> environments) {
    public boolean covers(String requester, String environment) {
      return everyTask || user.equals(requester) || environments.contains(environment);
    }
  }

  public ReadScope scopeOf(Caller caller) {
    Set<String> groups = Set.copyOf(policy.groupsOf(caller.user()));
    boolean reviewer = policy.file().reviewers().groups().stream().anyMatch(groups::contains);
    Set<String> environments = new HashSet<>();
    for (EnvironmentPolicy e : policy.file().environments().values()) {
      List<String> deciders =
          e.breakGlass() == null
              ? e.approvals().groups()
              : concat(e.approvals().groups(), e.breakGlass().groups());
      if (deciders.stream().anyMatch(groups::contains)) {
        environments.add(e.name());
      }
    }
    return new ReadScope(caller.user(), reviewer, Set.copyOf(environments));
  }

  /**
   * Throws the unknown-task 404 unless {@code caller} may read the task of {@code requester} in
   * {@code environment}.
   */
  public void require(Caller caller, String taskId, String requester, String environment) {
    if (!scopeOf(caller).covers(requester, environment)) {
      throw unknownTask(taskId);
    }
  }

  /** The one answer for a task that does not exist and for one the caller may not read. */
  public static ApiException unknownTask(String taskId) {
    return new ApiException(
        Response.Status.NOT_FOUND,
        new ApiError(
            "no task '"
                + io.interlock.contract.values.CallerText.shown(taskId)
                + "' that you may read",
            "a task is readable by its requester, the approvers of its environment and the policy's reviewers;"
                + " an id that does not exist is answered the same",
            null,
            null,
            "GET /api/tasks lists the tasks you may read"));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
