package io.interlock.contract.values;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The object a write acts on, as observed when it was previewed; an approval binds to it. Execution
 * refuses an object whose {@code uid} or {@code contentHash} differ from these (status churn does
 * not count as a change; labels, annotations, spec and data do) and writes with the fresh {@code
 * resourceVersion} as its optimistic lock.
 *
 * @param contentHash digest of what the object says apart from status and server bookkeeping
 *     ({@code sha256:}, or {@code hmac-sha256:} keyed by the worker for Secrets); null for objects
 *     that do not exist (yet)
 * @param sources digests of what the write copies from elsewhere than its arguments, by what it is
 *     (e.g. {@code "revision 1 template"} of a rollout-undo, {@code "secretRef dev/db-password"} of
 *     a Secret value by reference); execution refuses when one differs. Left out when empty
 */
public record TargetRef(
    String apiVersion,
    String kind,
    String namespace,
    String name,
    String uid,
    String resourceVersion,
    boolean exists,
    String contentHash,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> sources) {

  public TargetRef {
    // Sorted, so every rendering of one snapshot is the same.
    sources =
        sources == null ? Map.of() : Collections.unmodifiableSortedMap(new TreeMap<>(sources));
  }

  public TargetRef(
      String apiVersion,
      String kind,
      String namespace,
      String name,
      String uid,
      String resourceVersion,
      boolean exists,
      String contentHash) {
    this(apiVersion, kind, namespace, name, uid, resourceVersion, exists, contentHash, null);
  }

  public TargetRef(
      String apiVersion,
      String kind,
      String namespace,
      String name,
      String uid,
      String resourceVersion,
      boolean exists) {
    this(apiVersion, kind, namespace, name, uid, resourceVersion, exists, null, null);
  }

  /** This snapshot, binding these sources too. */
  public TargetRef withSources(Map<String, String> more) {
    Map<String, String> all = new TreeMap<>(sources);
    all.putAll(more);
    return new TargetRef(
        apiVersion, kind, namespace, name, uid, resourceVersion, exists, contentHash, all);
  }
}
