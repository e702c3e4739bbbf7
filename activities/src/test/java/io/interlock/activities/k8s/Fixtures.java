package io.interlock.activities.k8s;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Objects the k8s tests start from. */
public final class Fixtures {
  public static final String SECRET_VALUE = "s3cr3t-hunter2";

  private Fixtures() {}

  public static ToolContext context(KubernetesClient client) {
    return new ToolContext("test", client, Clock.systemUTC(), Duration.ofMillis(20));
  }

  public static ToolArgs args(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return new ToolArgs(m);
  }

  public static Map<String, Object> map(Object... kv) {
    return args(kv).values();
  }

  public static Deployment deployment(String ns, String name, int replicas, String image) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(name)
        .withImage(image)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  public static Deployment create(KubernetesClient client, Deployment d) {
    String ns = d.getMetadata().getNamespace();
    if (client.namespaces().withName(ns).get() == null) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    return client.resource(d).create();
  }

  public static void secret(KubernetesClient client, String ns, String name) {
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName(name)
                .endMetadata()
                .addToData(
                    "password",
                    java.util.Base64.getEncoder().encodeToString(SECRET_VALUE.getBytes()))
                .addToStringData("token", SECRET_VALUE)
                .build())
        .create();
  }

  public static String resourceVersion(KubernetesClient client, String ns, String name) {
    return client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName(name)
        .get()
        .getMetadata()
        .getResourceVersion();
  }
}
