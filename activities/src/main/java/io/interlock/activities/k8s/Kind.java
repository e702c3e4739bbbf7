package io.interlock.activities.k8s;

import com.google.common.escape.Escaper;
import com.google.common.net.UrlEscapers;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.values.CallerText;
import io.interlock.contract.values.FailureType;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A Kubernetes kind the catalog knows, with its typed model class. */
public record Kind(
    String name, String apiVersion, Class<? extends HasMetadata> type, boolean namespaced) {

  private static final Escaper SEGMENT = UrlEscapers.urlPathSegmentEscaper();

  /** fabric8 derives a plural with regular expressions on every call; each path needs one. */
  private static final Map<Class<?>, String> PLURALS = new ConcurrentHashMap<>();

  private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "DaemonSet");

  /** Deployments, StatefulSets and DaemonSets: things with a rollout. */
  public boolean workload() {
    return WORKLOADS.contains(name);
  }

  public boolean is(String kind) {
    return name.equals(kind);
  }

  /** The typed client operation for this kind, seen through its common supertype. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public MixedOperation<HasMetadata, KubernetesResourceList<HasMetadata>, Resource<HasMetadata>>
      operation(KubernetesClient client) {
    return (MixedOperation) client.resources((Class) type);
  }

  /**
   * The REST path of one object (or of the collection when {@code name} is null), namespace and
   * name escaped as path segments so no character of theirs can change the path or its query.
   */
  public String path(String namespace, String name) {
    String base = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
    String ns = namespaced ? "/namespaces/" + segment(namespace) : "";
    return base
        + ns
        + "/"
        + PLURALS.computeIfAbsent(type, HasMetadata::getPlural)
        + (name == null ? "" : "/" + segment(name));
  }

  /**
   * One escaped path segment; '.' and '..' stay dots once escaped, so they are refused (as the API
   * server does).
   */
  private static String segment(String value) {
    if (value.equals(".") || value.equals("..")) {
      throw new ToolException(
          FailureType.INVALID_ARGS,
          "'"
              + CallerText.shown(value)
              + "' cannot be a name or namespace (rule path-segment-name)");
    }
    return SEGMENT.escape(value);
  }
}
