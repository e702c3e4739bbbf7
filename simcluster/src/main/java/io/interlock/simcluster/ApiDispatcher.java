package io.interlock.simcluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The simulated API server's request handling: CRUD with the real server's write semantics (dry
 * run, optimistic concurrency, delete preconditions, status and scale subresources, server- side
 * apply), discovery, access reviews and watches. Every persisted client write is counted.
 */
final class ApiDispatcher extends Dispatcher {

  private static final Logger LOG = Logger.getLogger(ApiDispatcher.class.getName());
  private static final Set<String> HEALTH = Set.of("/healthz", "/livez", "/readyz");

  private final ObjectStore store;
  private final Discovery discovery = new Discovery();
  private final AccessRules access;
  private final MutationLog mutations;
  private final ServerSideApply ssa;
  private final WatchStreams watches;
  private final AnswerHolds holds;

  /** Null unless the cluster was built with admin endpoints (crash and load tests only). */
  private final AdminEndpoints admin;

  ApiDispatcher(
      ObjectStore store,
      AccessRules access,
      MutationLog mutations,
      AnswerHolds holds,
      AdminEndpoints admin) {
    this.store = store;
    this.access = access;
    this.mutations = mutations;
    this.holds = holds;
    this.admin = admin;
    this.ssa = new ServerSideApply(store);
    this.watches = new WatchStreams(store);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    try {
      if (admin != null && AdminEndpoints.addresses(request)) {
        AdminEndpoints.Answer a = admin.handle(request);
        return respond(a.code(), a.body());
      }
      return holds.apply(request, mutations.count(), route(request));
    } catch (StatusException e) {
      return respond(e.code(), e.toStatus());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "simulated API server failed on " + request.getRequestLine(), e);
      return respond(
          500,
          new StatusException(
                  500, "InternalError", "simulated API server error: " + e, null, null, List.of())
              .toStatus());
    }
  }

  private MockResponse route(RecordedRequest request) {
    String path = request.getPath();
    String method = request.getMethod().toUpperCase();
    if (method.equals("GET")) {
      Optional<ObjectNode> doc = discovery.document(path);
      if (doc.isPresent()) {
        return respond(200, doc.get());
      }
      if (HEALTH.contains(path.split("\\?")[0])) {
        return new MockResponse()
            .setResponseCode(200)
            .setHeader("Content-Type", "text/plain")
            .setBody("ok");
      }
    }
    ApiPath p = ApiPath.parse(path).orElseThrow(ApiDispatcher::noSuchPath);
    if (p.resource().equals(ResourceType.SELF_SUBJECT_ACCESS_REVIEW.plural())
        && p.group().equals(ResourceType.SELF_SUBJECT_ACCESS_REVIEW.group())) {
      if (!method.equals("POST")) {
        throw new StatusException(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
            null,
            null,
            List.of());
      }
      return respond(201, access.review(ObjectTrees.parseObject(request.getUtf8Body())));
    }
    ResourceType t =
        ResourceType.byPlural(p.group(), p.resource())
            .filter(
                rt ->
                    rt.version().equals(p.version()) && (rt.namespaced() || p.namespace() == null))
            .orElseThrow(ApiDispatcher::noSuchPath);
    return switch (method) {
      case "GET" ->
          p.watch() ? watches.open(t, p, request) : p.name() == null ? list(t, p) : get(t, p);
      case "POST" -> create(t, p, request);
      case "PUT" -> replace(t, p, request);
      case "PATCH" -> patch(t, p, request);
      case "DELETE" -> p.name() == null ? deleteCollection(t, p, request) : delete(t, p, request);
      default ->
          throw new StatusException(
              405, "MethodNotAllowed", "method " + method + " not allowed", t, p.name(), List.of());
    };
  }

  private MockResponse list(ResourceType t, ApiPath p) {
    Selector s = Selector.of(p.param("labelSelector"), p.param("fieldSelector"));
    ObjectNode out =
        ObjectTrees.object().put("kind", t.kind() + "List").put("apiVersion", t.apiVersion());
    ArrayNode items =
        store.locked(
            () -> {
              ObjectTrees.meta(out).put("resourceVersion", Long.toString(store.resourceVersion()));
              ArrayNode a = out.putArray("items");
              store.list(t, p.namespace(), s::matches).forEach(a::add);
              return a;
            });
    return respond(200, out);
  }

  private MockResponse get(ResourceType t, ApiPath p) {
    ObjectNode o = current(t, p);
    if ("scale".equals(p.subresource()) && t.hasScale()) {
      return respond(200, scaleOf(o));
    }
    if ("log".equals(p.subresource()) && t.equals(ResourceType.POD)) {
      return new MockResponse()
          .setResponseCode(200)
          .setHeader("Content-Type", "text/plain")
          .setBody(FailureInjection.log(o));
    }
    return respond(200, o);
  }

  private MockResponse create(ResourceType t, ApiPath p, RecordedRequest request) {
    if (p.name() != null) {
      throw new StatusException(
          405,
          "MethodNotAllowed",
          "POST is not allowed on a named resource",
          t,
          p.name(),
          List.of());
    }
    ObjectNode body = ObjectTrees.parseObject(request.getUtf8Body());
    checkKind(t, body);
    return store.locked(
        () -> {
          ObjectNode o = store.newObject(t, p.namespace(), body);
          ssa.recordUpdate(t, null, o, manager(request, p));
          return commit(request, p, t, o, 201);
        });
  }

  private MockResponse replace(ResourceType t, ApiPath p, RecordedRequest request) {
    ObjectNode body = ObjectTrees.parseObject(request.getUtf8Body());
    return store.locked(
        () -> {
          ObjectNode cur = current(t, p);
          if ("scale".equals(p.subresource())) {
            return rescale(request, p, t, cur, body);
          }
          checkKind(t, body);
          checkPreconditions(t, p, cur, body);
          boolean statusWrite = "status".equals(p.subresource());
          ObjectNode next = store.updatedObject(t, cur, body, statusWrite);
          if (!statusWrite) {
            ssa.recordUpdate(t, cur, next, manager(request, p));
          }
          return commit(request, p, t, next, 200);
        });
  }

  private MockResponse patch(ResourceType t, ApiPath p, RecordedRequest request) {
    Patch type = Patch.of(request.getHeader("Content-Type"));
    String body = request.getUtf8Body();
    return store.locked(
        () -> {
          if (type == Patch.APPLY && p.subresource() == null) {
            Optional<ObjectNode> cur = store.get(t, p.namespace(), p.name());
            ObjectNode applied = ObjectTrees.parseObject(body);
            checkKind(t, applied);
            checkNames(t, p, applied);
            if (cur.isPresent()) {
              checkPreconditions(t, p, cur.get(), applied);
            }
            ObjectNode next =
                ssa.apply(
                    t,
                    p.namespace(),
                    p.name(),
                    cur.orElse(null),
                    applied,
                    p.param("fieldManager"),
                    "true".equals(p.param("force")));
            if (cur.isPresent()) {
              next = store.updatedObject(t, cur.get(), next, false);
            }
            return commit(request, p, t, next, cur.isPresent() ? 200 : 201);
          }
          Patch merge = type == Patch.APPLY ? Patch.STRATEGIC_MERGE : type;
          ObjectNode cur = current(t, p);
          if ("scale".equals(p.subresource())) {
            return rescale(request, p, t, cur, merge.apply(scaleOf(cur), body));
          }
          ObjectNode patched = merge.apply(cur, body);
          checkPreconditions(t, p, cur, patched);
          boolean statusWrite = "status".equals(p.subresource());
          ObjectNode next = store.updatedObject(t, cur, patched, statusWrite);
          if (!statusWrite) {
            ssa.recordUpdate(t, cur, next, manager(request, p));
          }
          return commit(request, p, t, next, 200);
        });
  }

  private MockResponse delete(ResourceType t, ApiPath p, RecordedRequest request) {
    ObjectNode options = deleteOptions(request);
    return store.locked(
        () -> {
          ObjectNode cur = current(t, p);
          JsonNode pre = options.path("preconditions");
          String uid = cur.path("metadata").path("uid").asText();
          String rv = cur.path("metadata").path("resourceVersion").asText();
          if (pre.hasNonNull("uid") && !pre.get("uid").asText().equals(uid)) {
            throw StatusException.conflict(
                t,
                p.name(),
                "Precondition failed: UID in precondition: "
                    + pre.get("uid").asText()
                    + ", UID in object meta: "
                    + uid);
          }
          if (pre.hasNonNull("resourceVersion")
              && !pre.get("resourceVersion").asText().equals(rv)) {
            throw StatusException.conflict(
                t,
                p.name(),
                "Precondition failed: ResourceVersion in precondition: "
                    + pre.get("resourceVersion").asText()
                    + ", ResourceVersion in object meta: "
                    + rv);
          }
          if (isDryRun(p, options)) {
            return respond(200, cur);
          }
          ObjectNode gone = store.remove(t, p.namespace(), p.name(), cascades(p, options));
          mutations.record("DELETE", request.getPath());
          return respond(200, gone);
        });
  }

  private MockResponse deleteCollection(ResourceType t, ApiPath p, RecordedRequest request) {
    ObjectNode options = deleteOptions(request);
    Selector s = Selector.of(p.param("labelSelector"), p.param("fieldSelector"));
    return store.locked(
        () -> {
          ObjectNode out =
              ObjectTrees.object().put("kind", t.kind() + "List").put("apiVersion", t.apiVersion());
          ArrayNode items = out.putArray("items");
          store.list(t, p.namespace(), s::matches).forEach(items::add);
          if (!isDryRun(p, options) && !items.isEmpty()) {
            for (JsonNode o : items) {
              JsonNode m = o.path("metadata");
              store.remove(
                  t,
                  m.path("namespace").asText(null),
                  m.path("name").asText(),
                  cascades(p, options));
            }
            mutations.record("DELETE", request.getPath());
          }
          return respond(200, out);
        });
  }

  /** Scale subresource write: only spec.replicas changes, with the same concurrency rules. */
  private MockResponse rescale(
      RecordedRequest request, ApiPath p, ResourceType t, ObjectNode cur, ObjectNode scale) {
    if (!t.hasScale()) {
      throw noSuchPath();
    }
    checkPreconditions(t, p, cur, scale);
    ObjectNode wanted = cur.deepCopy();
    ObjectTrees.child(wanted, "spec").set("replicas", scale.path("spec").path("replicas"));
    ObjectNode next = store.updatedObject(t, cur, wanted, false);
    ssa.recordUpdate(t, cur, next, manager(request, p));
    if (p.dryRun()) {
      return respond(200, scaleOf(next));
    }
    ObjectNode saved = store.persist(t, next);
    mutations.record(request.getMethod().toUpperCase(), request.getPath());
    return respond(200, scaleOf(saved));
  }

  /** Stores (unless dry run) and counts the write; a no-op update keeps its resourceVersion. */
  private MockResponse commit(
      RecordedRequest request, ApiPath p, ResourceType t, ObjectNode next, int code) {
    if (p.dryRun()) {
      return respond(code, next);
    }
    Optional<ObjectNode> before =
        code == 201 ? Optional.empty() : store.get(t, p.namespace(), p.name());
    ObjectNode saved =
        before.isPresent() && withoutVolatile(before.get()).equals(withoutVolatile(next))
            ? before.get()
            : store.persist(t, next);
    mutations.record(request.getMethod().toUpperCase(), request.getPath());
    return respond(code, saved);
  }

  private static ObjectNode withoutVolatile(ObjectNode o) {
    ObjectNode c = o.deepCopy();
    ObjectTrees.meta(c).remove(List.of("resourceVersion", "managedFields"));
    return c;
  }

  private ObjectNode current(ResourceType t, ApiPath p) {
    return store
        .get(t, p.namespace(), p.name())
        .orElseThrow(() -> StatusException.notFound(t, p.name()));
  }

  /**
   * Optimistic concurrency: a resourceVersion or uid in the request must match the stored one; and
   * like the real API server, the body names the object the URL names (name and namespace).
   */
  private static void checkPreconditions(
      ResourceType t, ApiPath p, ObjectNode cur, JsonNode incoming) {
    String name = p.name();
    JsonNode m = incoming.path("metadata");
    String rv = m.path("resourceVersion").asText("");
    if (!rv.isEmpty() && !rv.equals(cur.path("metadata").path("resourceVersion").asText())) {
      throw StatusException.modified(t, name);
    }
    String uid = m.path("uid").asText("");
    String curUid = cur.path("metadata").path("uid").asText();
    if (!uid.isEmpty() && !uid.equals(curUid)) {
      throw StatusException.conflict(
          t,
          name,
          "Precondition failed: UID in precondition: " + uid + ", UID in object meta: " + curUid);
    }
    checkNames(t, p, incoming);
  }

  /**
   * A body naming another object than its URL is refused (400), never stored under the URL's name.
   */
  private static void checkNames(ResourceType t, ApiPath p, JsonNode incoming) {
    JsonNode m = incoming.path("metadata");
    String bodyName = m.path("name").asText("");
    if (!bodyName.isEmpty() && !bodyName.equals(p.name())) {
      throw StatusException.badRequest(
          "the name of the object ("
              + bodyName
              + ") does not match the name on the URL ("
              + p.name()
              + ")");
    }
    String bodyNamespace = m.path("namespace").asText("");
    if (t.namespaced() && !bodyNamespace.isEmpty() && !bodyNamespace.equals(p.namespace())) {
      throw StatusException.badRequest(
          "the namespace of the provided object does not match the namespace sent on the request");
    }
  }

  private static void checkKind(ResourceType t, ObjectNode body) {
    String av = body.path("apiVersion").asText("");
    String kind = body.path("kind").asText("");
    if ((!av.isEmpty() && !av.equals(t.apiVersion()))
        || (!kind.isEmpty() && !kind.equals(t.kind()))) {
      throw StatusException.badRequest(
          "the API version in the data ("
              + av
              + ") does not match the expected API version ("
              + t.apiVersion()
              + ")");
    }
  }

  private static ObjectNode deleteOptions(RecordedRequest request) {
    String body = request.getUtf8Body();
    return body == null || body.isBlank() ? ObjectTrees.object() : ObjectTrees.parseObject(body);
  }

  private static boolean isDryRun(ApiPath p, ObjectNode options) {
    return p.dryRun() || options.path("dryRun").size() > 0;
  }

  private static boolean cascades(ApiPath p, ObjectNode options) {
    String policy =
        options
            .path("propagationPolicy")
            .asText(Optional.ofNullable(p.param("propagationPolicy")).orElse(""));
    return !policy.equals("Orphan") && !options.path("orphanDependents").asBoolean(false);
  }

  /**
   * The field manager of a non-apply write: the fieldManager parameter, else the user agent's name.
   */
  private static String manager(RecordedRequest request, ApiPath p) {
    String fm = p.param("fieldManager");
    if (fm != null && !fm.isBlank()) {
      return fm;
    }
    String ua = request.getHeader("User-Agent");
    return ua == null || ua.isBlank() ? "unknown" : ua.split("/")[0].trim();
  }

  static ObjectNode scaleOf(ObjectNode o) {
    ObjectNode s = ObjectTrees.object().put("kind", "Scale").put("apiVersion", "autoscaling/v1");
    ObjectNode m = ObjectTrees.meta(s);
    JsonNode om = o.path("metadata");
    for (String f : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
      if (om.has(f)) {
        m.set(f, om.get(f));
      }
    }
    ObjectTrees.child(s, "spec").put("replicas", o.path("spec").path("replicas").asInt(1));
    StringBuilder selector = new StringBuilder();
    o.path("spec")
        .path("selector")
        .path("matchLabels")
        .fields()
        .forEachRemaining(
            e ->
                selector
                    .append(selector.length() == 0 ? "" : ",")
                    .append(e.getKey())
                    .append('=')
                    .append(e.getValue().asText()));
    ObjectTrees.child(s, "status")
        .put("replicas", o.path("status").path("replicas").asInt(0))
        .put("selector", selector.toString());
    return s;
  }

  private static StatusException noSuchPath() {
    return new StatusException(
        404, "NotFound", "the server could not find the requested resource", null, null, List.of());
  }

  private static MockResponse respond(int code, JsonNode body) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(ObjectTrees.write(body));
  }
}
