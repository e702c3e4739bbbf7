package io.interlock.worker.tasks;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Tasks this worker knows of: started through its API, or heard of through the inbox activity
 * (tasks other clients started reach it once they wait for an approval). Listing tasks never needs
 * visibility queries, which the embedded server lacks.
 */
@ApplicationScoped
public class TaskIndex {
  /** What the index holds about one task; state is read live from the workflow. */
  public record Known(
      String taskId, String requester, String environment, String goal, String seenAt) {}

  private final Map<String, Known> tasks = new ConcurrentHashMap<>();

  public void started(String taskId, String requester, String environment, String goal) {
    tasks.put(taskId, new Known(taskId, requester, environment, goal, Instant.now().toString()));
  }

  public void heard(String taskId, String requester, String environment, String goal) {
    tasks.putIfAbsent(
        taskId, new Known(taskId, requester, environment, goal, Instant.now().toString()));
  }

  public Optional<Known> find(String taskId) {
    return Optional.ofNullable(tasks.get(taskId));
  }

  /** Most recently seen first, of the tasks {@code shown} accepts. */
  public List<Known> recent(int limit, Predicate<Known> shown) {
    return tasks.values().stream()
        .filter(shown)
        .sorted(Comparator.comparing(Known::seenAt).reversed().thenComparing(Known::taskId))
        .limit(limit)
        .toList();
  }
}
