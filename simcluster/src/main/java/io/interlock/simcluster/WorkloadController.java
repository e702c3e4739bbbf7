package io.interlock.simcluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The simulated kube-controller-manager and kubelets: each tick moves pods along their life ({@link
 * FailureInjection}), keeps ReplicaSets' pods at their replica count, and rolls Deployments,
 * StatefulSets and DaemonSets forward one step, writing the status fields and conditions that
 * kubectl and verifiers read. Its writes go straight to the store, so they are never counted as
 * client mutations.
 */
final class WorkloadController implements AutoCloseable {

  static final String REVISION = "deployment.kubernetes.io/revision";
  static final String STUCK = "sim.interlock.io/progress-deadline-exceeded";
  private static final String HASH_LABEL = "pod-template-hash";
  private static final String REVISION_LABEL = "controller-revision-hash";
  private static final Logger LOG = Logger.getLogger(WorkloadController.class.getName());

  private final ObjectStore store;
  private final Duration step;
  private final double deadlineScale;
  private final Clock clock;

  /** Per rollout (deployment uid): what it last looked like and when that changed. */
  private final Map<String, Map.Entry<String, Instant>> progress = new HashMap<>();

  /**
   * Every this many steps (at least once a second) a tick walks the whole cluster, as a real
   * controller resyncs: time alone can change what a walk decides (a progress deadline passing, a
   * node freeing up). The ticks between reconcile only what changed since.
   */
  private final int fullWalkSteps;

  /** Objects written since the controller last looked at them, and their owners (store lock). */
  private final Set<Ref> changed = new LinkedHashSet<>();

  private ScheduledExecutorService executor;
  private long podCount;
  private int stepsSinceFullWalk;

  /** The kinds that own what they control (through ownerReferences), by kind. */
  private static final Map<String, ResourceType> CONTROLLERS =
      Map.of(
          ResourceType.REPLICASET.kind(), ResourceType.REPLICASET,
          ResourceType.DEPLOYMENT.kind(), ResourceType.DEPLOYMENT,
          ResourceType.STATEFULSET.kind(), ResourceType.STATEFULSET,
          ResourceType.DAEMONSET.kind(), ResourceType.DAEMONSET);

  /** An object the controller reconciles, by where the store keeps it. */
  private record Ref(ResourceType type, String namespace, String name) {}

  WorkloadController(ObjectStore store, Duration step, double deadlineScale, Clock clock) {
    this.store = store;
    this.step = step;
    this.deadlineScale = deadlineScale;
    this.clock = clock;
    this.fullWalkSteps = (int) Math.max(1, 1000 / Math.max(1, step.toMillis()));
    store.addListener(this::noteChange);
  }

  /** Namespaces every cluster has, and Ready nodes node-1..node-N. */
  void seedBaseline(int nodes) {
    for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
      ObjectNode o = ObjectTrees.object().put("apiVersion", "v1").put("kind", "Namespace");
      ObjectTrees.meta(o)
          .put("name", ns)
          .putObject("labels")
          .put("kubernetes.io/metadata.name", ns);
      store.put(o);
    }
    for (int i = 1; i <= nodes; i++) {
      String name = "node-" + i;
      ObjectNode n = ObjectTrees.object().put("apiVersion", "v1").put("kind", "Node");
      ObjectTrees.meta(n)
          .put("name", name)
          .putObject("labels")
          .put("kubernetes.io/hostname", name)
          .put("kubernetes.io/os", "linux")
          .put("kubernetes.io/arch", "amd64");
      n.putObject("spec").put("podCIDR", "10.244." + i + ".0/24");
      ObjectNode st = n.putObject("status");
      st.putArray("conditions")
          .addObject()
          .put("type", "Ready")
          .put("status", "True")
          .put("reason", "KubeletReady")
          .put("message", "simulated kubelet is posting ready status")
          .put("lastHeartbeatTime", store.now())
          .put("lastTransitionTime", store.now());
      ArrayNode addr = st.putArray("addresses");
      addr.addObject().put("type", "InternalIP").put("address", "10.0.0." + (10 + i));
      addr.addObject().put("type", "Hostname").put("address", name);
      st.putObject("capacity").put("cpu", "4").put("memory", "16Gi").put("pods", "110");
      st.putObject("allocatable").put("cpu", "4").put("memory", "16Gi").put("pods", "110");
      st.putObject("nodeInfo")
          .put("kubeletVersion", "v1.32.0-interlock-simulated")
          .put("osImage", "Interlock simulated node")
          .put("containerRuntimeVersion", "sim://1")
          .put("architecture", "amd64")
          .put("operatingSystem", "linux")
          .put("kernelVersion", "simulated")
          .put("kubeProxyVersion", "v1.32.0");
      store.put(n);
    }
  }

  synchronized void start() {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "simulated-cluster-controller");
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(
        this::stepLogged, step.toMillis(), step.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  /** Ticks until a tick changes nothing, at most maxTicks times. */
  void settle(int maxTicks) {
    for (int i = 0; i < maxTicks && tick(); i++) {
      // each tick is one controller step; stop as soon as the cluster is quiet
    }
  }

  void put(ObjectNode o) {
    store.put(o);
  }

  private void stepLogged() {
    try {
      step();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "simulated controller tick failed", e);
    }
  }

  /** One scheduled step: a full walk when one is due, else what changed since the last step. */
  void step() {
    if (++stepsSinceFullWalk >= fullWalkSteps) {
      stepsSinceFullWalk = 0;
      tick();
    } else {
      tickChanged();
    }
  }

  /** One controller step over the whole cluster; true when it changed anything. */
  boolean tick() {
    return store.locked(
        () -> {
          changed.clear();
          Map<String, String> nodeIps = nodeIps();
          boolean changedAny = false;
          for (ObjectNode pod : store.list(ResourceType.POD, null)) {
            changedAny |= advancePod(pod, nodeIps);
          }
          for (ObjectNode rs : store.list(ResourceType.REPLICASET, null)) {
            changedAny |= reconcileReplicaSet(rs);
          }
          for (ObjectNode d : store.list(ResourceType.DEPLOYMENT, null)) {
            changedAny |= reconcileDeployment(d);
          }
          for (ObjectNode s : store.list(ResourceType.STATEFULSET, null)) {
            changedAny |= reconcileStatefulSet(s);
          }
          for (ObjectNode ds : store.list(ResourceType.DAEMONSET, null)) {
            changedAny |= reconcileDaemonSet(ds);
          }
          return changedAny;
        });
  }

  /**
   * The same step over only what was written since it last looked, in the same order: a pod's
   * change reaches its ReplicaSet and that one's Deployment within the step, as in a full walk.
   */
  private void tickChanged() {
    store.locked(
        () -> {
          if (changed.isEmpty()) {
            return;
          }
          List<ObjectNode> pods = take(ResourceType.POD);
          Map<String, String> nodeIps = pods.isEmpty() ? Map.of() : nodeIps();
          pods.forEach(pod -> advancePod(pod, nodeIps));
          take(ResourceType.REPLICASET).forEach(this::reconcileReplicaSet);
          take(ResourceType.DEPLOYMENT).forEach(this::reconcileDeployment);
          take(ResourceType.STATEFULSET).forEach(this::reconcileStatefulSet);
          take(ResourceType.DAEMONSET).forEach(this::reconcileDaemonSet);
        });
  }

  /** Called under the store's lock for every write: the object and its owners need a look. */
  private void noteChange(ObjectStore.Event e) {
    JsonNode meta = e.object().path("metadata");
    String ns = meta.path("namespace").asText(null);
    changed.add(new Ref(e.resourceType(), ns, meta.path("name").asText()));
    for (JsonNode owner : meta.path("ownerReferences")) {
      ResourceType t = CONTROLLERS.get(owner.path("kind").asText());
      if (t != null) {
        changed.add(new Ref(t, ns, owner.path("name").asText()));
      }
    }
  }

  /** The changed objects of one type as they are now (deleted ones are gone), no longer marked. */
  private List<ObjectNode> take(ResourceType t) {
    List<ObjectNode> out = new ArrayList<>();
    for (Iterator<Ref> it = changed.iterator(); it.hasNext(); ) {
      Ref r = it.next();
      if (r.type().equals(t)) {
        it.remove();
        store.get(t, r.namespace(), r.name()).ifPresent(out::add);
      }
    }
    return out;
  }

  // ---- pods ----

  private boolean advancePod(ObjectNode pod, Map<String, String> nodeIps) {
    ObjectNode next = pod.deepCopy();
    ObjectNode spec = ObjectTrees.child(next, "spec");
    if (!spec.hasNonNull("nodeName")) {
      Optional<String> node = pickNode();
      if (node.isEmpty()) {
        return false;
      }
      spec.put("nodeName", node.get());
    }
    String ip = pod.path("status").path("podIP").asText(null);
    FailureInjection.advance(
        next,
        nodeIps.getOrDefault(spec.path("nodeName").asText(), "10.0.0.10"),
        ip != null ? ip : nextPodIp(),
        store.now());
    return save(ResourceType.POD, pod, next);
  }

  private ObjectNode newPod(
      ObjectNode owner,
      ResourceType ownerType,
      String name,
      ObjectNode template,
      Map<String, String> extraLabels,
      String node) {
    ObjectNode pod = ObjectTrees.object().put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode meta = ObjectTrees.meta(pod);
    String ns = owner.path("metadata").path("namespace").asText();
    meta.put("name", name).put("namespace", ns);
    ObjectNode labels = meta.putObject("labels");
    template
        .path("metadata")
        .path("labels")
        .fields()
        .forEachRemaining(e -> labels.set(e.getKey(), e.getValue()));
    extraLabels.forEach(labels::put);
    if (template.path("metadata").has("annotations")) {
      meta.set("annotations", template.path("metadata").get("annotations").deepCopy());
    }
    meta.putArray("ownerReferences").add(ownerRef(owner, ownerType));
    ObjectNode spec = template.path("spec").deepCopy();
    pick(node, spec);
    pod.set("spec", spec);
    return store.persist(ResourceType.POD, store.newObject(ResourceType.POD, ns, pod));
  }

  private void pick(String node, ObjectNode spec) {
    String n = node != null ? node : pickNode().orElse(null);
    if (n != null) {
      spec.put("nodeName", n);
    }
  }

  // ---- replica sets ----

  private boolean reconcileReplicaSet(ObjectNode rs) {
    boolean changed = false;
    int desired = rs.path("spec").path("replicas").asInt(1);
    List<ObjectNode> pods = ownedBy(ResourceType.POD, rs);
    String hash = rs.path("metadata").path("labels").path(HASH_LABEL).asText("");
    ObjectNode template = (ObjectNode) rs.path("spec").path("template");
    for (int i = pods.size(); i < desired; i++) {
      String base = rs.path("metadata").path("name").asText();
      newPod(
          rs,
          ResourceType.REPLICASET,
          base + "-" + suffix(),
          template,
          hash.isEmpty() ? Map.of() : Map.of(HASH_LABEL, hash),
          null);
      changed = true;
    }
    if (pods.size() > desired) {
      // unready pods go first, then the newest, as the ReplicaSet controller prefers
      pods.sort(
          Comparator.comparing((ObjectNode p) -> FailureInjection.isReady(p))
              .thenComparing(
                  p -> p.path("metadata").path("creationTimestamp").asText(),
                  Comparator.reverseOrder()));
      for (ObjectNode p : pods.subList(0, pods.size() - desired)) {
        remove(ResourceType.POD, p);
      }
      changed = true;
    }
    pods = ownedBy(ResourceType.POD, rs);
    long ready = pods.stream().filter(FailureInjection::isReady).count();
    ObjectNode next = rs.deepCopy();
    ObjectNode st = next.putObject("status");
    st.put("replicas", pods.size())
        .put("fullyLabeledReplicas", pods.size())
        .put("readyReplicas", ready)
        .put("availableReplicas", ready)
        .put("observedGeneration", rs.path("metadata").path("generation").asLong(1));
    return save(ResourceType.REPLICASET, rs, next) || changed;
  }

  // ---- deployments ----

  private boolean reconcileDeployment(ObjectNode d) {
    boolean changed = false;
    ObjectNode spec = (ObjectNode) d.path("spec");
    int desired = spec.path("replicas").asInt(1);
    boolean paused = spec.path("paused").asBoolean(false);
    boolean stuck = "true".equals(d.path("metadata").path("annotations").path(STUCK).asText());
    ObjectNode template = (ObjectNode) spec.path("template");
    String hash = templateHash(template);
    List<ObjectNode> sets = ownedBy(ResourceType.REPLICASET, d);
    long maxRevision = sets.stream().mapToLong(WorkloadController::revision).max().orElse(0);
    ObjectNode newRs =
        sets.stream()
            .filter(rs -> hash.equals(rs.path("metadata").path("labels").path(HASH_LABEL).asText()))
            .findFirst()
            .orElse(null);
    String name = d.path("metadata").path("name").asText();
    if (newRs == null && !paused) {
      newRs = createReplicaSet(d, template, hash, maxRevision + 1, sets.isEmpty() ? desired : 0);
      sets.add(newRs);
      maxRevision++;
      changed = true;
    } else if (newRs != null && revision(newRs) < maxRevision && !paused) {
      // a rollback to an older template makes its ReplicaSet the newest revision again
      ObjectNode next = newRs.deepCopy();
      ObjectTrees.child(ObjectTrees.meta(next), "annotations")
          .put(REVISION, Long.toString(++maxRevision));
      save(ResourceType.REPLICASET, newRs, next);
      newRs = next;
      changed = true;
    }
    if (newRs != null && !paused && !stuck) {
      changed |= rollStep(newRs, sets, desired);
    }
    sets = ownedBy(ResourceType.REPLICASET, d);
    String newName = newRs == null ? null : newRs.path("metadata").path("name").asText();
    ObjectNode current =
        newName == null
            ? null
            : sets.stream()
                .filter(rs -> rs.path("metadata").path("name").asText().equals(newName))
                .findFirst()
                .orElse(null);

    ObjectNode next = d.deepCopy();
    if (current != null) {
      ObjectTrees.child(ObjectTrees.meta(next), "annotations")
          .put(REVISION, Long.toString(revision(current)));
    }
    int replicas = sets.stream().mapToInt(rs -> rs.path("status").path("replicas").asInt(0)).sum();
    int ready =
        sets.stream().mapToInt(rs -> rs.path("status").path("readyReplicas").asInt(0)).sum();
    int updated = current == null ? 0 : current.path("status").path("replicas").asInt(0);
    int updatedReady = current == null ? 0 : current.path("status").path("readyReplicas").asInt(0);
    ObjectNode st = next.putObject("status");
    st.put("observedGeneration", d.path("metadata").path("generation").asLong(1))
        .put("replicas", replicas)
        .put("updatedReplicas", updated)
        .put("readyReplicas", ready)
        .put("availableReplicas", ready)
        .put("unavailableReplicas", Math.max(0, desired - ready));
    ArrayNode conds = st.putArray("conditions");
    int maxUnavailable = desired / 4;
    JsonNode old = d.path("status").path("conditions");
    boolean available = ready >= desired - maxUnavailable;
    condition(
        conds,
        old,
        "Available",
        available ? "True" : "False",
        available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
        available
            ? "Deployment has minimum availability."
            : "Deployment does not have minimum availability.",
        false);
    boolean complete =
        current != null && updated == desired && replicas == desired && updatedReady == desired;
    String uid = d.path("metadata").path("uid").asText();
    String rsName = newName == null ? name : newName;
    if (paused) {
      condition(
          conds, old, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", false);
    } else if (complete) {
      progress.remove(uid);
      condition(
          conds,
          old,
          "Progressing",
          "True",
          "NewReplicaSetAvailable",
          "ReplicaSet \"" + rsName + "\" has successfully progressed.",
          false);
    } else if (stuck
        || deadlinePassed(
            uid, spec, replicas + "/" + updated + "/" + updatedReady + "/" + rsName)) {
      condition(
          conds,
          old,
          "Progressing",
          "False",
          "ProgressDeadlineExceeded",
          "ReplicaSet \"" + rsName + "\" has timed out progressing.",
          false);
    } else {
      condition(
          conds,
          old,
          "Progressing",
          "True",
          "ReplicaSetUpdated",
          "ReplicaSet \"" + rsName + "\" is progressing.",
          true);
    }
    return save(ResourceType.DEPLOYMENT, d, next) || changed;
  }

  /**
   * One rolling-update step: surge one new pod once the previous ones are ready, retire one old.
   */
  private boolean rollStep(ObjectNode newRs, List<ObjectNode> sets, int desired) {
    boolean changed = false;
    String newName = newRs.path("metadata").path("name").asText();
    List<ObjectNode> olds =
        new ArrayList<>(
            sets.stream()
                .filter(
                    rs ->
                        !rs.path("metadata").path("name").asText().equals(newName)
                            && rs.path("spec").path("replicas").asInt(0) > 0)
                .toList());
    int newReplicas = newRs.path("spec").path("replicas").asInt(0);
    int newReady = newRs.path("status").path("readyReplicas").asInt(0);
    int oldTotal = olds.stream().mapToInt(rs -> rs.path("spec").path("replicas").asInt(0)).sum();
    int target = newReplicas;
    if (oldTotal == 0) {
      target = desired;
    } else if (newReplicas < desired && newReady >= newReplicas) {
      target = newReplicas + 1;
    } else if (newReplicas > desired) {
      target = desired;
    }
    if (target != newReplicas) {
      changed |= setReplicas(newRs, target);
    }
    if (oldTotal > 0 && newReady + oldTotal > desired) {
      olds.sort(Comparator.comparingLong(WorkloadController::revision));
      ObjectNode oldest = olds.get(0);
      changed |= setReplicas(oldest, oldest.path("spec").path("replicas").asInt() - 1);
    }
    return changed;
  }

  private boolean setReplicas(ObjectNode rs, int replicas) {
    ObjectNode next = rs.deepCopy();
    ObjectTrees.child(next, "spec").put("replicas", replicas);
    return save(ResourceType.REPLICASET, rs, next);
  }

  private ObjectNode createReplicaSet(
      ObjectNode d, ObjectNode template, String hash, long revision, int replicas) {
    String ns = d.path("metadata").path("namespace").asText();
    ObjectNode rs = ObjectTrees.object().put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
    ObjectNode meta =
        ObjectTrees.meta(rs)
            .put("name", d.path("metadata").path("name").asText() + "-" + hash)
            .put("namespace", ns);
    ObjectNode labels = meta.putObject("labels");
    template
        .path("metadata")
        .path("labels")
        .fields()
        .forEachRemaining(e -> labels.set(e.getKey(), e.getValue()));
    labels.put(HASH_LABEL, hash);
    ObjectNode ann =
        meta.putObject("annotations")
            .put(REVISION, Long.toString(revision))
            .put(
                "deployment.kubernetes.io/desired-replicas",
                d.path("spec").path("replicas").asText("1"));
    JsonNode cause = d.path("metadata").path("annotations").path("kubernetes.io/change-cause");
    if (!cause.isMissingNode()) {
      ann.set("kubernetes.io/change-cause", cause);
    }
    meta.putArray("ownerReferences").add(ownerRef(d, ResourceType.DEPLOYMENT));
    ObjectNode spec = rs.putObject("spec").put("replicas", replicas);
    ObjectNode selector = d.path("spec").path("selector").deepCopy();
    ObjectTrees.child(ObjectTrees.child(selector, "matchLabels"), HASH_LABEL);
    ObjectTrees.child(selector, "matchLabels").put(HASH_LABEL, hash);
    spec.set("selector", selector);
    ObjectNode tpl = template.deepCopy();
    ObjectTrees.child(ObjectTrees.meta(tpl), "labels").put(HASH_LABEL, hash);
    spec.set("template", tpl);
    return store.persist(ResourceType.REPLICASET, store.newObject(ResourceType.REPLICASET, ns, rs));
  }

  /** Remembers the rollout's shape; true when it has not changed for the scaled deadline. */
  private boolean deadlinePassed(String uid, JsonNode spec, String shape) {
    Instant now = Instant.now(clock);
    Map.Entry<String, Instant> last = progress.get(uid);
    if (last == null || !last.getKey().equals(shape)) {
      progress.put(uid, Map.entry(shape, now));
      return false;
    }
    long deadlineMillis =
        (long) (spec.path("progressDeadlineSeconds").asLong(600) * 1000 * deadlineScale);
    return Duration.between(last.getValue(), now).toMillis() > deadlineMillis;
  }

  private void condition(
      ArrayNode conds,
      JsonNode old,
      String type,
      String status,
      String reason,
      String message,
      boolean progressing) {
    String now = store.now();
    String transition = now;
    String update = now;
    for (JsonNode o : old) {
      if (o.path("type").asText().equals(type)) {
        if (o.path("status").asText().equals(status)) {
          transition = o.path("lastTransitionTime").asText(now);
        }
        if (o.path("reason").asText().equals(reason) && !progressing) {
          update = o.path("lastUpdateTime").asText(now);
        }
      }
    }
    conds
        .addObject()
        .put("type", type)
        .put("status", status)
        .put("lastUpdateTime", update)
        .put("lastTransitionTime", transition)
        .put("reason", reason)
        .put("message", message);
  }

  // ---- stateful sets ----

  private boolean reconcileStatefulSet(ObjectNode s) {
    boolean changed = false;
    String name = s.path("metadata").path("name").asText();
    int desired = s.path("spec").path("replicas").asInt(1);
    ObjectNode template = (ObjectNode) s.path("spec").path("template");
    String updateRevision = name + "-" + templateHash(template);
    changed |= ensureControllerRevision(s, updateRevision, template);
    Map<Integer, ObjectNode> pods = new TreeMap<>();
    for (ObjectNode p : ownedBy(ResourceType.POD, s)) {
      String pn = p.path("metadata").path("name").asText();
      try {
        pods.put(Integer.parseInt(pn.substring(name.length() + 1)), p);
      } catch (RuntimeException e) {
        remove(ResourceType.POD, p);
      }
    }
    boolean allReady = pods.values().stream().allMatch(FailureInjection::isReady);
    Optional<Integer> extra =
        pods.keySet().stream().filter(i -> i >= desired).max(Integer::compare);
    if (extra.isPresent()) {
      remove(ResourceType.POD, pods.remove(extra.get()));
      changed = true;
    } else if (pods.size() < desired && allReady) {
      int ordinal = 0;
      while (pods.containsKey(ordinal)) {
        ordinal++;
      }
      pods.put(
          ordinal,
          newPod(
              s,
              ResourceType.STATEFULSET,
              name + "-" + ordinal,
              template,
              Map.of(
                  REVISION_LABEL,
                  updateRevision,
                  "statefulset.kubernetes.io/pod-name",
                  name + "-" + ordinal,
                  "apps.kubernetes.io/pod-index",
                  Integer.toString(ordinal)),
              null));
      changed = true;
    } else if (allReady) {
      Optional<Integer> stale =
          pods.entrySet().stream()
              .filter(
                  e ->
                      !updateRevision.equals(
                          e.getValue()
                              .path("metadata")
                              .path("labels")
                              .path(REVISION_LABEL)
                              .asText()))
              .map(Map.Entry::getKey)
              .max(Integer::compare);
      if (stale.isPresent()) {
        remove(ResourceType.POD, pods.remove(stale.get()));
        changed = true;
      }
    }
    long ready = pods.values().stream().filter(FailureInjection::isReady).count();
    long updated =
        pods.values().stream()
            .filter(
                p ->
                    updateRevision.equals(
                        p.path("metadata").path("labels").path(REVISION_LABEL).asText()))
            .count();
    String currentRevision = s.path("status").path("currentRevision").asText(updateRevision);
    if (updated == desired && ready == desired && pods.size() == desired) {
      currentRevision = updateRevision;
    }
    String cr = currentRevision;
    long current =
        pods.values().stream()
            .filter(p -> cr.equals(p.path("metadata").path("labels").path(REVISION_LABEL).asText()))
            .count();
    ObjectNode next = s.deepCopy();
    next.putObject("status")
        .put("observedGeneration", s.path("metadata").path("generation").asLong(1))
        .put("replicas", pods.size())
        .put("readyReplicas", ready)
        .put("availableReplicas", ready)
        .put("currentReplicas", current)
        .put("updatedReplicas", updated)
        .put("currentRevision", currentRevision)
        .put("updateRevision", updateRevision)
        .put("collisionCount", 0);
    return save(ResourceType.STATEFULSET, s, next) || changed;
  }

  /** The ControllerRevision history that `kubectl rollout history sts` reads. */
  private boolean ensureControllerRevision(
      ObjectNode owner, String revisionName, ObjectNode template) {
    String ns = owner.path("metadata").path("namespace").asText();
    if (store.get(ResourceType.CONTROLLER_REVISION, ns, revisionName).isPresent()) {
      return false;
    }
    long max =
        ownedBy(ResourceType.CONTROLLER_REVISION, owner).stream()
            .mapToLong(r -> r.path("revision").asLong())
            .max()
            .orElse(0);
    ObjectNode cr =
        ObjectTrees.object().put("apiVersion", "apps/v1").put("kind", "ControllerRevision");
    ObjectNode meta = ObjectTrees.meta(cr).put("name", revisionName).put("namespace", ns);
    owner
        .path("spec")
        .path("selector")
        .path("matchLabels")
        .fields()
        .forEachRemaining(e -> ObjectTrees.child(meta, "labels").set(e.getKey(), e.getValue()));
    meta.putArray("ownerReferences").add(ownerRef(owner, ResourceType.ofObject(owner)));
    ObjectNode data = cr.putObject("data");
    data.putObject("spec").set("template", template.deepCopy());
    cr.put("revision", max + 1);
    store.persist(
        ResourceType.CONTROLLER_REVISION,
        store.newObject(ResourceType.CONTROLLER_REVISION, ns, cr));
    return true;
  }

  // ---- daemon sets ----

  private boolean reconcileDaemonSet(ObjectNode ds) {
    boolean changed = false;
    String name = ds.path("metadata").path("name").asText();
    ObjectNode template = (ObjectNode) ds.path("spec").path("template");
    String hash = templateHash(template);
    changed |= ensureControllerRevision(ds, name + "-" + hash, template);
    List<String> nodes =
        store.list(ResourceType.NODE, null).stream()
            .map(n -> n.path("metadata").path("name").asText())
            .toList();
    Map<String, ObjectNode> byNode = new HashMap<>();
    for (ObjectNode p : ownedBy(ResourceType.POD, ds)) {
      String node = p.path("spec").path("nodeName").asText();
      if (!nodes.contains(node) || byNode.containsKey(node)) {
        remove(ResourceType.POD, p);
        changed = true;
      } else {
        byNode.put(node, p);
      }
    }
    boolean allReady = byNode.values().stream().allMatch(FailureInjection::isReady);
    for (String node : nodes) {
      if (!byNode.containsKey(node)) {
        byNode.put(
            node,
            newPod(
                ds,
                ResourceType.DAEMONSET,
                name + "-" + suffix(),
                template,
                Map.of(
                    REVISION_LABEL,
                    hash,
                    "pod-template-generation",
                    ds.path("metadata").path("generation").asText("1")),
                node));
        changed = true;
      }
    }
    if (allReady) {
      Optional<ObjectNode> stale =
          byNode.values().stream()
              .filter(
                  p ->
                      !hash.equals(p.path("metadata").path("labels").path(REVISION_LABEL).asText()))
              .findFirst();
      if (stale.isPresent()) {
        remove(ResourceType.POD, stale.get());
        byNode.values().remove(stale.get());
        changed = true;
      }
    }
    long ready = byNode.values().stream().filter(FailureInjection::isReady).count();
    long updated =
        byNode.values().stream()
            .filter(
                p -> hash.equals(p.path("metadata").path("labels").path(REVISION_LABEL).asText()))
            .count();
    ObjectNode next = ds.deepCopy();
    next.putObject("status")
        .put("observedGeneration", ds.path("metadata").path("generation").asLong(1))
        .put("desiredNumberScheduled", nodes.size())
        .put("currentNumberScheduled", byNode.size())
        .put("updatedNumberScheduled", updated)
        .put("numberReady", ready)
        .put("numberAvailable", ready)
        .put("numberUnavailable", Math.max(0, nodes.size() - ready))
        .put("numberMisscheduled", 0);
    return save(ResourceType.DAEMONSET, ds, next) || changed;
  }

  // ---- shared ----

  private List<ObjectNode> ownedBy(ResourceType t, ObjectNode owner) {
    JsonNode m = owner.path("metadata");
    return store.ownedBy(t, m.path("namespace").asText(), m.path("uid").asText());
  }

  private static ObjectNode ownerRef(ObjectNode owner, ResourceType t) {
    return ObjectTrees.object()
        .put("apiVersion", t.apiVersion())
        .put("kind", t.kind())
        .put("name", owner.path("metadata").path("name").asText())
        .put("uid", owner.path("metadata").path("uid").asText())
        .put("controller", true)
        .put("blockOwnerDeletion", true);
  }

  private static long revision(JsonNode rs) {
    return rs.path("metadata").path("annotations").path(REVISION).asLong(0);
  }

  private boolean save(ResourceType t, ObjectNode before, ObjectNode after) {
    if (before.equals(after)) {
      return false;
    }
    store.persist(t, after);
    return true;
  }

  private void remove(ResourceType t, ObjectNode o) {
    JsonNode m = o.path("metadata");
    store.remove(t, m.path("namespace").asText(null), m.path("name").asText(), true);
  }

  private Map<String, String> nodeIps() {
    Map<String, String> out = new HashMap<>();
    for (ObjectNode n : store.list(ResourceType.NODE, null)) {
      for (JsonNode a : n.path("status").path("addresses")) {
        if (a.path("type").asText().equals("InternalIP")) {
          out.put(n.path("metadata").path("name").asText(), a.path("address").asText());
        }
      }
    }
    return out;
  }

  /** The schedulable node with the fewest pods. */
  private Optional<String> pickNode() {
    Map<String, Long> pods =
        store.tally(ResourceType.POD, p -> p.path("spec").path("nodeName").asText());
    Map<String, Long> load = new TreeMap<>();
    for (ObjectNode n : store.list(ResourceType.NODE, null)) {
      if (!n.path("spec").path("unschedulable").asBoolean(false)) {
        String name = n.path("metadata").path("name").asText();
        load.put(name, pods.getOrDefault(name, 0L));
      }
    }
    return load.entrySet().stream().min(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
  }

  private String nextPodIp() {
    long n = podCount++;
    return "10.244." + (n / 250) % 250 + "." + (n % 250 + 2);
  }

  private static String suffix() {
    return ObjectStore.randomSuffix();
  }

  /**
   * A pod-template-hash in the controller's style: FNV-1a of the canonical template, safe-encoded.
   */
  static String templateHash(JsonNode template) {
    ObjectNode t = template.deepCopy();
    JsonNode labels = t.path("metadata").path("labels");
    if (labels instanceof ObjectNode l) {
      l.remove(HASH_LABEL);
    }
    byte[] bytes = canonical(t).getBytes(StandardCharsets.UTF_8);
    long h = 0xcbf29ce484222325L;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      out.append(alphabet.charAt((int) Long.remainderUnsigned(h, alphabet.length())));
      h = Long.divideUnsigned(h, alphabet.length());
    }
    return out.toString();
  }

  /** Sorted keys; null, {} and [] left out, as the controller's semantic template equality does. */
  private static String canonical(JsonNode n) {
    if (n instanceof ObjectNode o) {
      TreeMap<String, String> sorted = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String v = canonical(e.getValue());
        if (!v.equals("null") && !v.equals("{}") && !v.equals("[]")) {
          sorted.put(e.getKey(), v);
        }
      }
      StringBuilder b = new StringBuilder("{");
      sorted.forEach(
          (k, v) ->
              b.append(ObjectTrees.write(ObjectTrees.MAPPER.getNodeFactory().textNode(k)))
                  .append(':')
                  .append(v)
                  .append(','));
      return sorted.isEmpty() ? "{}" : b.append('}').toString();
    }
    if (n instanceof ArrayNode a) {
      StringBuilder b = new StringBuilder("[");
      a.forEach(e -> b.append(canonical(e)).append(','));
      return a.isEmpty() ? "[]" : b.append(']').toString();
    }
    return ObjectTrees.write(n);
  }
}
