package io.interlock.simcluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The simulated etcd: every object as JSON, one resourceVersion counter for all of them, and a
 * bounded log of watch events. All reads and writes take one lock, so a controller tick or a
 * request sees a consistent state.
 */
final class ObjectStore {

  /** A watch event; resourceVersion is the object's version after the change. */
  record Event(long resourceVersion, String type, ResourceType resourceType, ObjectNode object) {}

  private static final int EVENT_LOG_SIZE = 20_000;

  private final ReentrantLock lock = new ReentrantLock();
  private final TreeMap<String, ObjectNode> objects = new TreeMap<>();
  private final Map<String, ResourceType> typeOfKey = new TreeMap<>();

  /** Keys of the objects naming each owner uid: controllers find children without a scan. */
  private final Map<String, Set<String>> ownedKeys = new HashMap<>();

  private final Deque<Event> events = new ArrayDeque<>();
  private final Set<Consumer<Event>> listeners = new CopyOnWriteArraySet<>();
  private final Clock clock;
  private long resourceVersion;
  private long evictedUpTo;

  ObjectStore(Clock clock) {
    this.clock = clock;
  }

  <T> T locked(Supplier<T> work) {
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }

  void locked(Runnable work) {
    locked(
        () -> {
          work.run();
          return null;
        });
  }

  long resourceVersion() {
    return locked(() -> resourceVersion);
  }

  String now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  Optional<ObjectNode> get(ResourceType t, String namespace, String name) {
    return locked(
        () -> Optional.ofNullable(objects.get(key(t, namespace, name))).map(ObjectNode::deepCopy));
  }

  /** Objects of a type, in one namespace or (namespace null) all, ordered by namespace/name. */
  List<ObjectNode> list(ResourceType t, String namespace) {
    return list(t, namespace, o -> true);
  }

  /** The objects {@code keep} accepts; only those are copied (a selector usually keeps few). */
  List<ObjectNode> list(ResourceType t, String namespace, Predicate<? super JsonNode> keep) {
    return locked(
        () -> {
          List<ObjectNode> out = new ArrayList<>();
          stored(t, namespace).filter(keep).forEach(v -> out.add(v.deepCopy()));
          return out;
        });
  }

  /** How many objects of a type each value of {@code by} has, without copying any. */
  Map<String, Long> tally(ResourceType t, Function<? super JsonNode, String> by) {
    return locked(() -> stored(t, null).collect(Collectors.groupingBy(by, Collectors.counting())));
  }

  private Stream<ObjectNode> stored(ResourceType t, String namespace) {
    String prefix = t.group() + "/" + t.plural() + "/" + (namespace == null ? "" : namespace + "/");
    return objects.subMap(prefix, prefix + Character.MAX_VALUE).values().stream();
  }

  /** Objects of a type in a namespace whose ownerReferences name {@code ownerUid}, by name. */
  List<ObjectNode> ownedBy(ResourceType t, String namespace, String ownerUid) {
    return locked(
        () -> {
          String prefix = t.group() + "/" + t.plural() + "/" + namespace + "/";
          List<ObjectNode> out = new ArrayList<>();
          for (String k : ownedKeys.getOrDefault(ownerUid, Set.of())) {
            if (k.startsWith(prefix)) {
              out.add(objects.get(k).deepCopy());
            }
          }
          return out;
        });
  }

  /** The object a create would store, without storing it (no resourceVersion yet). */
  ObjectNode newObject(ResourceType t, String namespace, ObjectNode body) {
    ObjectNode o = body.deepCopy();
    ObjectTrees.dropNulls(o);
    o.put("apiVersion", t.apiVersion()).put("kind", t.kind());
    ObjectNode meta = ObjectTrees.meta(o);
    if (!meta.hasNonNull("name") && meta.hasNonNull("generateName")) {
      meta.put("name", meta.get("generateName").asText() + randomSuffix());
    }
    String name = meta.path("name").asText("");
    if (name.isEmpty()) {
      throw StatusException.invalid(
          t, "", "metadata.name: Required value: name or generateName is required");
    }
    if (t.namespaced()) {
      String ns = namespace != null ? namespace : meta.path("namespace").asText("default");
      if (meta.hasNonNull("namespace") && !meta.get("namespace").asText().equals(ns)) {
        throw StatusException.badRequest(
            "the namespace of the provided object does not match the namespace sent on the request");
      }
      meta.put("namespace", ns);
      if (!objects.containsKey(key(ResourceType.NAMESPACE, null, ns))) {
        throw StatusException.notFound(ResourceType.NAMESPACE, ns);
      }
    } else {
      meta.remove("namespace");
    }
    if (objects.containsKey(key(t, meta.path("namespace").asText(null), name))) {
      throw StatusException.alreadyExists(t, name);
    }
    meta.put("uid", UUID.randomUUID().toString());
    meta.put("creationTimestamp", now());
    meta.remove("resourceVersion");
    if (o.has("spec")) {
      meta.put("generation", 1);
    }
    if (t.hasStatus() && !t.equals(ResourceType.NODE)) {
      o.remove("status");
    }
    defaults(t, o);
    return o;
  }

  /**
   * The object an update would store: identity and server-owned metadata kept, status kept from the
   * stored object unless this is a status write, generation bumped when the spec changed.
   */
  ObjectNode updatedObject(
      ResourceType t, ObjectNode current, ObjectNode incoming, boolean statusWrite) {
    ObjectNode o;
    if (statusWrite) {
      o = current.deepCopy();
      if (incoming.has("status")) {
        o.set("status", incoming.get("status").deepCopy());
      }
    } else {
      o = incoming.deepCopy();
      if (t.hasStatus()) {
        if (current.has("status")) {
          o.set("status", current.get("status").deepCopy());
        } else {
          o.remove("status");
        }
      }
    }
    ObjectTrees.dropNulls(o);
    o.put("apiVersion", t.apiVersion()).put("kind", t.kind());
    ObjectNode meta = ObjectTrees.meta(o);
    JsonNode cm = current.get("metadata");
    for (String f :
        List.of("name", "namespace", "uid", "creationTimestamp", "generation", "resourceVersion")) {
      if (cm.has(f)) {
        meta.set(f, cm.get(f));
      } else {
        meta.remove(f);
      }
    }
    defaults(t, o);
    if (!statusWrite && !o.path("spec").equals(current.path("spec"))) {
      meta.put("generation", cm.path("generation").asLong(0) + 1);
    }
    return o;
  }

  /**
   * The API server's defaulting for workload specs that rollouts and kubectl read, and a Secret's
   * stringData.
   */
  private static void defaults(ResourceType t, ObjectNode o) {
    if (t.equals(ResourceType.SECRET)) {
      mergeStringData(o);
    }
    if (!t.isWorkload() || !(o.get("spec") instanceof ObjectNode spec)) {
      return;
    }
    if (!t.equals(ResourceType.DAEMONSET) && !spec.has("replicas")) {
      spec.put("replicas", 1);
    }
    spec.putIfAbsent("revisionHistoryLimit", ObjectTrees.MAPPER.getNodeFactory().numberNode(10));
    if (t.equals(ResourceType.DEPLOYMENT)) {
      spec.putIfAbsent(
          "progressDeadlineSeconds", ObjectTrees.MAPPER.getNodeFactory().numberNode(600));
      if (!spec.has("strategy")) {
        spec.putObject("strategy")
            .put("type", "RollingUpdate")
            .putObject("rollingUpdate")
            .put("maxSurge", "25%")
            .put("maxUnavailable", "25%");
      }
    }
    if (t.equals(ResourceType.STATEFULSET)) {
      spec.putIfAbsent(
          "podManagementPolicy", ObjectTrees.MAPPER.getNodeFactory().textNode("OrderedReady"));
      if (!spec.has("updateStrategy")) {
        spec.putObject("updateStrategy")
            .put("type", "RollingUpdate")
            .putObject("rollingUpdate")
            .put("partition", 0);
      }
    }
    if (t.equals(ResourceType.DAEMONSET) && !spec.has("updateStrategy")) {
      spec.putObject("updateStrategy")
          .put("type", "RollingUpdate")
          .putObject("rollingUpdate")
          .put("maxUnavailable", 1)
          .put("maxSurge", 0);
    }
  }

  /**
   * As the API server does: stringData is written into data (base64, overriding) and never stored.
   */
  private static void mergeStringData(ObjectNode secret) {
    if (!(secret.remove("stringData") instanceof ObjectNode strings) || strings.isEmpty()) {
      return;
    }
    ObjectNode data = ObjectTrees.child(secret, "data");
    strings
        .fields()
        .forEachRemaining(
            e ->
                data.put(
                    e.getKey(),
                    Base64.getEncoder()
                        .encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
  }

  /** Stores an object made by newObject/updatedObject, assigning the next resourceVersion. */
  ObjectNode persist(ResourceType t, ObjectNode o) {
    return locked(
        () -> {
          ObjectNode meta = ObjectTrees.meta(o);
          String k = key(t, meta.path("namespace").asText(null), meta.path("name").asText());
          boolean existed = objects.containsKey(k);
          meta.put("resourceVersion", Long.toString(++resourceVersion));
          ObjectNode stored = o.deepCopy();
          index(k, objects.put(k, stored), stored);
          typeOfKey.put(k, t);
          record(new Event(resourceVersion, existed ? "MODIFIED" : "ADDED", t, stored.deepCopy()));
          return stored.deepCopy();
        });
  }

  /** Removes an object; owned objects follow (background cascading deletion) unless orphaned. */
  ObjectNode remove(ResourceType t, String namespace, String name, boolean cascade) {
    return locked(
        () -> {
          ObjectNode gone = objects.remove(key(t, namespace, name));
          if (gone == null) {
            throw StatusException.notFound(t, name);
          }
          index(key(t, namespace, name), gone, null);
          typeOfKey.remove(key(t, namespace, name));
          ObjectTrees.meta(gone).put("resourceVersion", Long.toString(++resourceVersion));
          record(new Event(resourceVersion, "DELETED", t, gone.deepCopy()));
          if (cascade) {
            removeOwnedBy(gone.path("metadata").path("uid").asText());
          }
          if (t.equals(ResourceType.NAMESPACE)) {
            removeNamespaceContents(name);
          }
          return gone.deepCopy();
        });
  }

  /** Creates or replaces an object as the simulator itself (setup and seeding; never counted). */
  ObjectNode put(ObjectNode body) {
    ResourceType t = ResourceType.ofObject(body);
    JsonNode m = body.path("metadata");
    String ns = t.namespaced() ? m.path("namespace").asText("default") : null;
    return locked(
        () -> {
          Optional<ObjectNode> cur = get(t, ns, m.path("name").asText());
          return persist(
              t,
              cur.isPresent() ? updatedObject(t, cur.get(), body, false) : newObject(t, ns, body));
        });
  }

  void addListener(Consumer<Event> listener) {
    listeners.add(listener);
  }

  void removeListener(Consumer<Event> listener) {
    listeners.remove(listener);
  }

  /** Events after a resourceVersion, or empty when the log no longer reaches back that far. */
  Optional<List<Event>> eventsSince(long rv) {
    return locked(
        () -> {
          if (rv < evictedUpTo) {
            return Optional.empty();
          }
          return Optional.of(events.stream().filter(e -> e.resourceVersion() > rv).toList());
        });
  }

  private void removeOwnedBy(String ownerUid) {
    List<String> owned = new ArrayList<>(ownedKeys.getOrDefault(ownerUid, Set.of()));
    for (String k : owned) {
      ObjectNode o = objects.get(k);
      if (o != null) {
        JsonNode m = o.path("metadata");
        remove(typeOfKey.get(k), m.path("namespace").asText(null), m.path("name").asText(), true);
      }
    }
  }

  /** Moves key {@code k} from the owners {@code before} named to those {@code after} names. */
  private void index(String k, JsonNode before, JsonNode after) {
    for (JsonNode ref :
        before == null ? List.<JsonNode>of() : before.path("metadata").path("ownerReferences")) {
      Set<String> keys = ownedKeys.get(ref.path("uid").asText());
      if (keys != null && keys.remove(k) && keys.isEmpty()) {
        ownedKeys.remove(ref.path("uid").asText());
      }
    }
    for (JsonNode ref :
        after == null ? List.<JsonNode>of() : after.path("metadata").path("ownerReferences")) {
      ownedKeys.computeIfAbsent(ref.path("uid").asText(), u -> new TreeSet<>()).add(k);
    }
  }

  private void removeNamespaceContents(String namespace) {
    List<String> inside = new ArrayList<>();
    objects.forEach(
        (k, v) -> {
          if (typeOfKey.get(k).namespaced()
              && namespace.equals(v.path("metadata").path("namespace").asText())) {
            inside.add(k);
          }
        });
    for (String k : inside) {
      ObjectNode o = objects.get(k);
      if (o != null) {
        remove(typeOfKey.get(k), namespace, o.path("metadata").path("name").asText(), false);
      }
    }
  }

  private void record(Event e) {
    events.addLast(e);
    while (events.size() > EVENT_LOG_SIZE) {
      evictedUpTo = events.removeFirst().resourceVersion();
    }
    listeners.forEach(l -> l.accept(e));
  }

  private static String key(ResourceType t, String namespace, String name) {
    return t.group() + "/" + t.plural() + "/" + (t.namespaced() ? namespace + "/" : "") + name;
  }

  static String randomSuffix() {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      b.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
    }
    return b.toString();
  }
}
