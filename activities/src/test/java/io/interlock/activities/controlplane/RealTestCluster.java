package io.interlock.activities.controlplane;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real control plane, one fresh namespace per test. The tools act as the user {@value
 * #TOOLS_USER} (impersonated, in system:masters: this suite is about API semantics; RBAC has its
 * own tests), so their writes are told apart from fixtures' and controllers' in the audit log.
 */
public final class RealTestCluster implements TestCluster {
  static final String TOOLS_USER = "interlock-catalog-suite";
  private final ControlPlane plane = ControlPlane.get();
  private final String namespace = plane.newNamespace("shop");
  private final KubernetesClient tools = plane.as(TOOLS_USER, List.of("system:masters"));
  private int counted;

  @Override
  public String name() {
    return "real";
  }

  @Override
  public String namespace() {
    return namespace;
  }

  @Override
  public KubernetesClient fixtures() {
    return plane.admin();
  }

  @Override
  public KubernetesClient tools() {
    return tools;
  }

  @Override
  public List<String> mutations() {
    List<String> all = plane.mutations(TOOLS_USER);
    return all.subList(counted, all.size()).stream()
        .filter(m -> m.contains("/namespaces/" + namespace + "/"))
        .toList();
  }

  @Override
  public void startCounting() {
    counted = plane.mutations(TOOLS_USER).size();
  }

  @Override
  public void rolledOut(String name) {
    // kube-controller-manager and kwok do the work; this waits for the condition kubectl rollout
    // status waits for.
    plane
        .admin()
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(name)
        .waitUntilCondition(RealTestCluster::complete, 2, TimeUnit.MINUTES);
  }

  private static boolean complete(Deployment d) {
    if (d == null || d.getStatus() == null || d.getStatus().getObservedGeneration() == null) {
      return false;
    }
    int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    var s = d.getStatus();
    return s.getObservedGeneration() >= d.getMetadata().getGeneration()
        && n(s.getUpdatedReplicas()) == want
        && n(s.getReplicas()) == want
        && n(s.getAvailableReplicas()) == want;
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }

  @Override
  public void close() {
    plane.admin().namespaces().withName(namespace).delete();
    tools.close();
  }

  @Override
  public String toString() {
    return name();
  }
}
