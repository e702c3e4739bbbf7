package io.interlock.worker.environments;

import io.interlock.activities.policy.EnvironmentPolicy;
import io.interlock.activities.policy.PolicyFile;
import io.interlock.worker.config.InterlockConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The policy file this worker loaded ({@code interlock.policy}, {@code --policy}, INTERLOCK_POLICY,
 * or the bundled example), for display and wiring. Decisions are made by the policy activity, not
 * here.
 */
@ApplicationScoped
public class PolicyView {
  private final PolicyFile file;
  private final List<String> served;

  public PolicyView(InterlockConfig config) {
    this.file = PolicyFile.loadOrDefault(config.policy().orElse(null));
    List<String> wanted =
        config.environments().orElse(List.of()).stream().filter(s -> !s.isBlank()).toList();
    for (String e : wanted) {
      if (!file.environments().containsKey(e)) {
        throw new IllegalStateException(
            "interlock.environments names '"
                + e
                + "', which policy "
                + file.source()
                + " does not define; it defines "
                + environmentNames());
      }
    }
    // A process without the worker role serves no environment queue (and builds no cluster client).
    this.served =
        !config.roles().contains(InterlockConfig.Role.worker)
            ? List.of()
            : wanted.isEmpty() ? environmentNames() : List.copyOf(wanted);
  }

  public PolicyFile file() {
    return file;
  }

  /** Every environment the policy defines, sorted. */
  public List<String> environmentNames() {
    return List.copyOf(new TreeSet<>(file.environments().keySet()));
  }

  /** The environments whose queues this process serves (none without the worker role). */
  public List<String> served() {
    return served;
  }

  public Optional<EnvironmentPolicy> environment(String name) {
    return file.environment(name);
  }

  /** Groups the policy puts {@code user} in. */
  public List<String> groupsOf(String user) {
    return file.groups().entrySet().stream()
        .filter(e -> e.getValue().contains(user))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }
}
