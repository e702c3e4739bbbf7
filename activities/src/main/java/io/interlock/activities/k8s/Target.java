package io.interlock.activities.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.interlock.activities.secrets.DigestKey;
import io.interlock.activities.tools.NameRule;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.values.CallerText;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.TargetRef;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** One named object a tool acts on: kind, namespace (for namespaced kinds) and name. */
public record Target(Kind kind, String namespace, String name) {
  public static final String DEFAULT_NAMESPACE = "default";

  public Target {
    // Every tool reaches the API through a Target: a name that could bend a request path stops here
    // too.
    String problem = NameRule.OBJECT_NAME.problem(name);
    if (problem == null && namespace != null) {
      problem = NameRule.NAMESPACE.problem(namespace);
    }
    if (problem != null) {
      throw new ToolException(FailureType.INVALID_ARGS, kind.name() + " " + problem);
    }
  }

  /** From the {kind, namespace, name} arguments; {@code kinds} are those the tool accepts. */
  public static Target of(ToolArgs args, String tool, List<String> kinds) {
    Kind kind = Kinds.of(args.string("kind", kinds.get(0)), tool, kinds);
    String ns = kind.namespaced() ? args.string("namespace", DEFAULT_NAMESPACE) : null;
    return new Target(kind, ns, args.string("name"));
  }

  /** From the {kind, namespace, name} arguments, for any kind the catalog knows. */
  public static Target of(ToolArgs args) {
    Kind kind = Kinds.of(args.string("kind"));
    String ns = kind.namespaced() ? args.string("namespace", DEFAULT_NAMESPACE) : null;
    return new Target(kind, ns, args.string("name"));
  }

  /** From a manifest's own apiVersion/kind/metadata. */
  public static Target of(JsonNode manifest) {
    Kind kind = Kinds.of(manifest.path("kind").asText());
    String apiVersion = manifest.path("apiVersion").asText();
    if (!kind.apiVersion().equals(apiVersion)) {
      throw new ToolException(
          FailureType.INVALID_ARGS,
          "manifest: "
              + kind.name()
              + " is served as apiVersion "
              + kind.apiVersion()
              + ", not '"
              + CallerText.shown(apiVersion)
              + "'");
    }
    String ns =
        kind.namespaced()
            ? manifest.path("metadata").path("namespace").asText(DEFAULT_NAMESPACE)
            : null;
    return new Target(kind, ns, manifest.path("metadata").path("name").asText());
  }

  /** "Deployment shop/web", or "Node n1" for cluster-scoped kinds. */
  @Override
  public String toString() {
    return kind.name() + " " + path();
  }

  public String path() {
    return namespace == null ? name : namespace + "/" + name;
  }

  /**
   * The live object as a tree, or null when it does not exist. Read as JSON, not through the typed
   * model: the same content (a number may be an int node where the model made it a long) in the
   * server's field order, in a third of the time (bench/README).
   */
  public JsonNode fetch(KubernetesClient client) {
    return ApiErrors.call(
        "get " + this,
        () -> {
          try {
            return ApiRequests.send(client, "GET", kind.path(namespace, name), null, null);
          } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
              return null;
            }
            throw e;
          }
        });
  }

  /** The live object, or NOT_FOUND. */
  public JsonNode require(KubernetesClient client) {
    JsonNode live = fetch(client);
    if (live == null) {
      throw new ToolException(FailureType.NOT_FOUND, toString() + " not found");
    }
    return live;
  }

  /**
   * The snapshot an approval binds to; a Secret's content digest is keyed by the worker's {@code
   * key}.
   */
  public TargetRef ref(JsonNode live, DigestKey key) {
    return new TargetRef(
        kind.apiVersion(),
        kind.name(),
        namespace,
        name,
        live == null ? null : Json.at(live, "/metadata/uid"),
        live == null ? null : Json.at(live, "/metadata/resourceVersion"),
        live != null,
        ContentHash.of(live, key));
  }

  /**
   * Refuses when what the write copies from elsewhere (a revision's template, a referenced Secret
   * value) is not what the approval bound: each source's digest must be as approved.
   */
  public void checkSources(TargetRef approved, Map<String, String> now) {
    Set<String> names = new TreeSet<>(approved.sources().keySet());
    names.addAll(now.keySet());
    for (String source : names) {
      String was = approved.sources().get(source);
      String is = now.get(source);
      if (!Objects.equals(was, is)) {
        throw new ToolException(
            FailureType.TARGET_CHANGED,
            "source changed since approval: "
                + source
                + " for "
                + this
                + " is "
                + (is == null ? "no longer used" : is)
                + ", the approval bound "
                + (was == null ? "no such source" : was)
                + "; nothing was written; propose the step again");
      }
    }
  }

  /** Refuses to act on an object other than the approved one (recreated, or changed since). */
  public void checkUnchanged(TargetRef approved, JsonNode live, DigestKey key) {
    if (approved == null) {
      throw new ToolException(
          FailureType.INVALID_ARGS,
          "no approved target snapshot: execution needs its preconditions");
    }
    if (live == null) {
      if (approved.exists()) {
        throw new ToolException(
            FailureType.TARGET_CHANGED,
            "target changed since approval: " + this + " no longer exists; propose the step again");
      }
      return;
    }
    if (!approved.exists()) {
      throw new ToolException(
          FailureType.TARGET_CHANGED,
          "target changed since approval: " + this + " was created since; propose the step again");
    }
    String uid = Json.at(live, "/metadata/uid");
    if (approved.uid() != null && !approved.uid().equals(uid)) {
      throw new ToolException(
          FailureType.TARGET_CHANGED,
          "target changed since approval: "
              + this
              + " was re-created (uid was "
              + approved.uid()
              + ", now "
              + uid
              + "); propose the step again");
    }
    if (approved.contentHash() != null) {
      String now = ContentHash.of(live, key);
      if (!approved.contentHash().equals(now)) {
        throw new ToolException(
            FailureType.TARGET_CHANGED,
            "target changed since approval: "
                + this
                + " was edited (labels, annotations, spec or data differ from the approved"
                + " snapshot at resourceVersion "
                + approved.resourceVersion()
                + ", now "
                + Json.at(live, "/metadata/resourceVersion")
                + "); propose the step again");
      }
      return;
    }
    // Without a content hash only the exact version can be trusted.
    String rv = Json.at(live, "/metadata/resourceVersion");
    if (approved.resourceVersion() != null && !approved.resourceVersion().equals(rv)) {
      throw new ToolException(
          FailureType.TARGET_CHANGED,
          "target changed since approval: resourceVersion was "
              + approved.resourceVersion()
              + ", now "
              + rv
              + "; propose the step again");
    }
  }
}
