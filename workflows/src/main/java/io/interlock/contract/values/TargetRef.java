package io.interlock.contract.values;

/**
 * The object a write acts on, as observed when it was previewed; an approval binds to it.
 * Execution refuses an object whose {@code uid} or {@code contentHash} differ from these (status
 * churn does not count as a change; labels, annotations, spec and data do) and writes with the
 * fresh {@code resourceVersion} as its optimistic lock.
 *
 * @param contentHash sha256 of what the object says apart from status and server bookkeeping;
 *     null for objects that do not exist (yet)
 */
public record TargetRef(
    String apiVersion,
    String kind,
    String namespace,
    String name,
    String uid,
    String resourceVersion,
    boolean exists,
    String contentHash) {

  public TargetRef(
      String apiVersion, String kind, String namespace, String name, String uid, String resourceVersion, boolean exists) {
    this(apiVersion, kind, namespace, name, uid, resourceVersion, exists, null);
  }
}
