package io.interlock.simcluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The legacy (unaggregated) discovery documents and /version, which is what kubectl falls back to
 * when the server does not answer aggregated discovery.
 */
final class Discovery {

  private static final Set<String> IN_ALL_CATEGORY =
      Set.of(
          "pods",
          "services",
          "deployments",
          "replicasets",
          "statefulsets",
          "daemonsets",
          "jobs",
          "cronjobs",
          "horizontalpodautoscalers");

  private final Map<String, List<ResourceType>> byGroupVersion = new LinkedHashMap<>();

  Discovery() {
    List<ResourceType> all = new ArrayList<>(ResourceType.ALL);
    all.add(ResourceType.SELF_SUBJECT_ACCESS_REVIEW);
    for (ResourceType t : all) {
      byGroupVersion.computeIfAbsent(t.apiVersion(), k -> new ArrayList<>()).add(t);
    }
  }

  /** The document for a discovery path, or empty when the path is not a discovery path. */
  Optional<ObjectNode> document(String rawPath) {
    int q = rawPath.indexOf('?');
    String path = (q < 0 ? rawPath : rawPath.substring(0, q)).replaceAll("/+$", "");
    if (path.equals("/version")) {
      return Optional.of(version());
    }
    if (path.equals("/openapi/v3")) {
      ObjectNode o = ObjectTrees.object();
      ObjectNode paths = o.putObject("paths");
      byGroupVersion
          .keySet()
          .forEach(
              gv -> {
                String p = gv.contains("/") ? "apis/" + gv : "api/" + gv;
                paths.putObject(p).put("serverRelativeURL", "/openapi/v3/" + p + "?hash=simulated");
              });
      return Optional.of(o);
    }
    if (path.startsWith("/openapi/v3/")) {
      String gv = path.substring("/openapi/v3/".length()).replaceFirst("^apis?/", "");
      return Optional.ofNullable(byGroupVersion.get(gv)).map(types -> openApi(gv, types));
    }
    if (path.equals("/api")) {
      ObjectNode o = ObjectTrees.object().put("kind", "APIVersions");
      o.putArray("versions").add("v1");
      o.putArray("serverAddressByClientCIDRs")
          .addObject()
          .put("clientCIDR", "0.0.0.0/0")
          .put("serverAddress", "");
      return Optional.of(o);
    }
    if (path.equals("/apis")) {
      ObjectNode o = ObjectTrees.object().put("kind", "APIGroupList").put("apiVersion", "v1");
      ArrayNode groups = o.putArray("groups");
      byGroupVersion.keySet().stream()
          .filter(gv -> gv.contains("/"))
          .forEach(gv -> groups.add(group(gv)));
      return Optional.of(o);
    }
    if (path.startsWith("/apis/") && path.chars().filter(c -> c == '/').count() == 2) {
      String g = path.substring("/apis/".length());
      return byGroupVersion.keySet().stream()
          .filter(gv -> gv.startsWith(g + "/"))
          .findFirst()
          .map(this::group);
    }
    String gv =
        path.equals("/api/v1")
            ? "v1"
            : path.startsWith("/apis/") ? path.substring("/apis/".length()) : null;
    if (gv != null && byGroupVersion.containsKey(gv)) {
      return Optional.of(resourceList(gv));
    }
    return Optional.empty();
  }

  /**
   * A skeleton OpenAPI v3 document: no schemas, only PATCH operations declaring fieldValidation,
   * which is what kubectl checks before it leaves validation to the server.
   */
  private static ObjectNode openApi(String gv, List<ResourceType> types) {
    ObjectNode o = ObjectTrees.object().put("openapi", "3.0.0");
    o.putObject("info").put("title", "Kubernetes (simulated)").put("version", "v1.32.0");
    ObjectNode paths = o.putObject("paths");
    String prefix = gv.contains("/") ? "/apis/" + gv : "/api/" + gv;
    for (ResourceType t : types) {
      String path =
          prefix + (t.namespaced() ? "/namespaces/{namespace}/" : "/") + t.plural() + "/{name}";
      ObjectNode patch = paths.putObject(path).putObject("patch");
      patch
          .putObject("x-kubernetes-group-version-kind")
          .put("group", t.group())
          .put("version", t.version())
          .put("kind", t.kind());
      patch.put("x-kubernetes-action", "patch");
      ArrayNode params = patch.putArray("parameters");
      for (String q : List.of("dryRun", "fieldManager", "fieldValidation", "force")) {
        params
            .addObject()
            .put("name", q)
            .put("in", "query")
            .putObject("schema")
            .put("type", q.equals("force") ? "boolean" : "string");
      }
    }
    o.putObject("components").putObject("schemas");
    return o;
  }

  static ObjectNode version() {
    return ObjectTrees.object()
        .put("major", "1")
        .put("minor", "32")
        .put("gitVersion", "v1.32.0-interlock-simulated")
        .put("gitCommit", "0000000000000000000000000000000000000000")
        .put("gitTreeState", "clean")
        .put("buildDate", "2025-01-01T00:00:00Z")
        .put("goVersion", "go1.23")
        .put("compiler", "gc")
        .put("platform", "linux/amd64");
  }

  private ObjectNode group(String gv) {
    String[] parts = gv.split("/");
    ObjectNode g =
        ObjectTrees.object().put("kind", "APIGroup").put("apiVersion", "v1").put("name", parts[0]);
    ObjectNode version = ObjectTrees.object().put("groupVersion", gv).put("version", parts[1]);
    g.putArray("versions").add(version);
    g.set("preferredVersion", version.deepCopy());
    return g;
  }

  private ObjectNode resourceList(String gv) {
    ObjectNode o =
        ObjectTrees.object()
            .put("kind", "APIResourceList")
            .put("apiVersion", "v1")
            .put("groupVersion", gv);
    ArrayNode rs = o.putArray("resources");
    for (ResourceType t : byGroupVersion.get(gv)) {
      ObjectNode r =
          rs.addObject()
              .put("name", t.plural())
              .put("singularName", t.kind().toLowerCase(Locale.ROOT))
              .put("namespaced", t.namespaced())
              .put("kind", t.kind());
      ArrayNode verbs = r.putArray("verbs");
      if (t.equals(ResourceType.SELF_SUBJECT_ACCESS_REVIEW)) {
        verbs.add("create");
        continue;
      }
      ResourceType.VERBS.forEach(verbs::add);
      if (!t.shortNames().isEmpty()) {
        ArrayNode sn = r.putArray("shortNames");
        t.shortNames().forEach(sn::add);
      }
      if (IN_ALL_CATEGORY.contains(t.plural())) {
        r.putArray("categories").add("all");
      }
      if (t.hasStatus()) {
        subresource(rs, t, "status", t.kind(), null);
      }
      if (t.hasScale()) {
        subresource(rs, t, "scale", "Scale", "autoscaling");
      }
      if (t.equals(ResourceType.POD)) {
        subresource(rs, t, "log", "Pod", null).putArray("verbs").add("get");
      }
    }
    return o;
  }

  private static ObjectNode subresource(
      ArrayNode rs, ResourceType t, String sub, String kind, String group) {
    ObjectNode r =
        rs.addObject()
            .put("name", t.plural() + "/" + sub)
            .put("singularName", "")
            .put("namespaced", t.namespaced())
            .put("kind", kind);
    if (group != null) {
      r.put("group", group).put("version", "v1");
    }
    r.putArray("verbs").add("get").add("patch").add("update");
    return r;
  }
}
