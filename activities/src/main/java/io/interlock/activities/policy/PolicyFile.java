package io.interlock.activities.policy;

import io.interlock.workflows.CanonicalJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A loaded, validated policy file (the model of {@code deploy/policy/interlock-policy.yaml}). Its
 * {@link #version()} ({@code sha256:<hex>} of the file's bytes) is recorded with every decision.
 *
 * @param source where it was read from (a path, or {@code classpath:...} for the bundled example)
 * @param groups group name to users
 * @param reviewers groups that may read every task (besides its requester and its environment's
 *     approvers)
 * @param identities how users and issuers are proven
 * @param environments by name
 */
public record PolicyFile(
    String source,
    String version,
    Map<String, List<String>> groups,
    Reviewers reviewers,
    Identities identities,
    Map<String, EnvironmentPolicy> environments,
    Map<String, PolicyRules> compiledRules) {

  /** Where the bundled example lives on the classpath (built from deploy/policy). */
  public static final String DEFAULT_RESOURCE = "io/interlock/policy/interlock-policy.yaml";

  public PolicyFile {
    // Sorted so listings and messages come out in a stable order.
    groups = Collections.unmodifiableSortedMap(new TreeMap<>(groups));
    environments = Collections.unmodifiableSortedMap(new TreeMap<>(environments));
    compiledRules = Map.copyOf(compiledRules);
  }

  /**
   * Reads and validates {@code path}.
   *
   * @throws PolicyException naming the file, each field and its problem
   */
  public static PolicyFile load(Path path) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new PolicyException(path.toString(), "cannot read the file: " + e, e);
    }
    return parse(path.toString(), bytes);
  }

  /** The bundled example policy (the same file as deploy/policy/interlock-policy.yaml). */
  public static PolicyFile loadDefault() {
    String source = "classpath:" + DEFAULT_RESOURCE;
    try (InputStream in = PolicyFile.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new PolicyException(
            source, List.of("the bundled policy is missing from the classpath"));
      }
      return parse(source, in.readAllBytes());
    } catch (IOException e) {
      throw new PolicyException(source, "cannot read the bundled policy: " + e, e);
    }
  }

  /**
   * {@code path} when given (from {@code --policy} or {@code INTERLOCK_POLICY}), else the bundled
   * example.
   */
  public static PolicyFile loadOrDefault(String path) {
    return path == null || path.isBlank() ? loadDefault() : load(Path.of(path));
  }

  /** Parses and validates policy YAML; {@code source} names it in error messages. */
  public static PolicyFile parse(String source, byte[] yaml) {
    return new PolicyReader(source).read(yaml, version(yaml));
  }

  public Optional<EnvironmentPolicy> environment(String name) {
    return Optional.ofNullable(name == null ? null : environments.get(name));
  }

  /** The file's own groups; an identity provider can replace it via {@link GroupDirectory}. */
  public GroupDirectory groupDirectory() {
    return GroupDirectory.of(groups);
  }

  /** The first 12 hex digits of the version, for display. */
  public String shortVersion() {
    return version.substring("sha256:".length(), "sha256:".length() + 12);
  }

  PolicyRules rules(String environment) {
    return compiledRules.get(environment);
  }

  private static String version(byte[] bytes) {
    return CanonicalJson.sha256(bytes);
  }
}
