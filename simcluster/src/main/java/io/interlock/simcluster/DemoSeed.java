package io.interlock.simcluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The demo estate: a shop (web, api, db, config, credentials, a service), a payments ledger and a
 * log agent on every node. The Secret holds real-looking values so redaction can be tested.
 */
final class DemoSeed {

  static final String MANIFESTS =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop, labels: {kubernetes.io/metadata.name: shop, team: shop}}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: payments, labels: {kubernetes.io/metadata.name: payments, team: payments}}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: web-config, namespace: shop, labels: {app: web}}
      data:
        nginx.conf: |
          server { listen 80; location / { root /usr/share/nginx/html; } }
        FEATURE_FLAGS: "checkout-v2=false"
      ---
      apiVersion: v1
      kind: Secret
      metadata: {name: api-credentials, namespace: shop, labels: {app: api}}
      type: Opaque
      data:
        username: YXBpLXNlcnZpY2U=
        password: czNjcjN0LWRlbW8tcGFzc3dvcmQ=
        DATABASE_URL: cG9zdGdyZXM6Ly9hcGk6czNjcjN0QGRiLnNob3A6NTQzMi9zaG9w
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: shop, labels: {app: web}}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
            - name: web
              image: nginx:1.25
              ports: [{containerPort: 80, protocol: TCP}]
              volumeMounts: [{name: config, mountPath: /etc/nginx/conf.d}]
            volumes: [{name: config, configMap: {name: web-config}}]
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: api, namespace: shop, labels: {app: api}}
      spec:
        replicas: 3
        selector: {matchLabels: {app: api}}
        template:
          metadata: {labels: {app: api}}
          spec:
            containers:
            - name: api
              image: ghcr.io/example/api:1.4.0
              ports: [{containerPort: 8080, protocol: TCP}]
              envFrom: [{secretRef: {name: api-credentials}}]
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: db, namespace: shop, labels: {app: db}}
      spec:
        replicas: 1
        serviceName: db
        selector: {matchLabels: {app: db}}
        updateStrategy: {type: RollingUpdate}
        template:
          metadata: {labels: {app: db}}
          spec:
            containers:
            - name: postgres
              image: postgres:16
              ports: [{containerPort: 5432, protocol: TCP}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop, labels: {app: web}}
      spec:
        type: ClusterIP
        clusterIP: 10.96.0.10
        selector: {app: web}
        ports: [{name: http, port: 80, targetPort: 80, protocol: TCP}]
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: ledger, namespace: payments, labels: {app: ledger}}
      spec:
        replicas: 2
        selector: {matchLabels: {app: ledger}}
        template:
          metadata: {labels: {app: ledger}}
          spec:
            containers:
            - name: ledger
              image: ghcr.io/example/ledger:2.3.1
              ports: [{containerPort: 8080, protocol: TCP}]
      ---
      apiVersion: apps/v1
      kind: DaemonSet
      metadata: {name: log-agent, namespace: kube-system, labels: {app: log-agent}}
      spec:
        selector: {matchLabels: {app: log-agent}}
        template:
          metadata: {labels: {app: log-agent}}
          spec:
            containers:
            - name: agent
              image: fluent/fluent-bit:3.0
      """;

  private DemoSeed() {}

  /** Creates an object as `kubectl apply` (client-side) would have, so field ownership is real. */
  private static void create(ObjectStore store, ObjectNode o) {
    ResourceType t = ResourceType.ofObject(o);
    String ns = t.namespaced() ? o.path("metadata").path("namespace").asText() : null;
    store.locked(
        () -> {
          if (store.get(t, ns, o.path("metadata").path("name").asText()).isEmpty()) {
            ObjectNode created = store.newObject(t, ns, o);
            new ServerSideApply(store).recordUpdate(t, null, created, "kubectl-client-side-apply");
            store.persist(t, created);
          }
        });
  }

  static void seed(ObjectStore store) {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(MANIFESTS)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc instanceof ObjectNode o && !o.isEmpty()) {
          create(store, o);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
