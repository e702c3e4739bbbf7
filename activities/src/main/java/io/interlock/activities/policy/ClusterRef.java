package io.interlock.activities.policy;

/**
 * Which cluster an environment's writes go to: exactly one of the simulated cluster, a kubeconfig
 * context, or the in-cluster service account.
 */
public record ClusterRef(boolean simulated, String kubeconfigContext, boolean inCluster) {
  public static ClusterRef simulatedCluster() {
    return new ClusterRef(true, null, false);
  }

  public String describe() {
    if (simulated) {
      return "simulated";
    }
    return inCluster ? "in-cluster" : "kubeconfig context " + kubeconfigContext;
  }
}
