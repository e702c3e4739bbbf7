package io.interlock.activities.policy;

/**
 * One permission a write needs, as Kubernetes RBAC names it.
 *
 * @param group API group ("" for core)
 * @param subresource for example "scale"; null for none
 * @param namespace null for a cluster-scoped resource
 * @param name the object's name; null when not known
 */
public record AccessRequest(
    String verb, String group, String resource, String subresource, String namespace, String name) {

  /** "patch apps/deployments/scale shop/web" for reasons and logs. */
  public String describe() {
    String res =
        (group == null || group.isEmpty() ? "" : group + "/")
            + resource
            + (subresource == null ? "" : "/" + subresource);
    String obj = (namespace == null ? "" : namespace + "/") + (name == null ? "*" : name);
    return verb + " " + res + " " + obj;
  }
}
