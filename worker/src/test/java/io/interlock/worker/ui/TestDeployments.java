package io.interlock.worker.ui;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.interlock.worker.dev.DevStack;
import io.interlock.worker.dev.InProcessClusterStarter;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** Fresh Deployments in the simulated cluster, one per test, so tests never share a target. */
public final class TestDeployments {
  private TestDeployments() {}

  /**
   * Creates {@code <prefix>-<random>} in {@code shop} with 2 replicas and waits until its first
   * rollout settled.
   */
  public static String ready(DevStack dev, String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 5);
    put(dev, name, Map.of("app", name));
    // A preview taken mid-rollout would bind to a version the controller is about to change.
    await("deployment " + name + " rolled out")
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                InProcessClusterStarter.of(dev)
                    .client()
                    .apps()
                    .deployments()
                    .inNamespace("shop")
                    .withName(name)
                    .get(),
            TestDeployments::settled);
    return name;
  }

  /** Replaces the Deployment out of band (as someone with kubectl would), with extra labels. */
  public static void put(DevStack dev, String name, Map<String, String> labels) {
    StringBuilder l = new StringBuilder();
    labels.forEach(
        (k, v) ->
            l.append(l.length() == 0 ? "" : ",")
                .append('"')
                .append(k)
                .append("\":\"")
                .append(v)
                .append('"'));
    InProcessClusterStarter.of(dev)
        .put(
            """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s","namespace":"shop","labels":{%s}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"%s"}},
                 "template":{"metadata":{"labels":{"app":"%s"}},"spec":{"containers":[{"name":"c","image":"nginx:1.25"}]}}}}
        """
                .formatted(name, l, name, name));
  }

  private static boolean settled(Deployment d) {
    if (d == null || d.getStatus() == null || d.getMetadata().getAnnotations() == null) {
      return false;
    }
    Integer want = d.getSpec().getReplicas();
    return d.getMetadata().getAnnotations().containsKey("deployment.kubernetes.io/revision")
        && d.getMetadata().getGeneration() != null
        && d.getMetadata().getGeneration().equals(d.getStatus().getObservedGeneration())
        && want.equals(d.getStatus().getAvailableReplicas())
        && want.equals(d.getStatus().getUpdatedReplicas());
  }
}
