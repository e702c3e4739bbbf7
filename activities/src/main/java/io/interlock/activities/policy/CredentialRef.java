package io.interlock.activities.policy;

/**
 * The name of an environment's credential, never its value: {@code env:PROD_KUBECONFIG} (an
 * environment variable of the worker) or {@code file:/etc/interlock/prod.kubeconfig}. Only the
 * worker serving that environment resolves it.
 */
public record CredentialRef(String ref) {
  public String scheme() {
    return ref.substring(0, ref.indexOf(':'));
  }

  public String name() {
    return ref.substring(ref.indexOf(':') + 1);
  }
}
