package io.interlock.simcluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Server-side apply and field ownership (metadata.managedFields), close enough to the API server
 * that conflicts name the manager and field: each manager owns a set of leaf fields; lists of
 * objects with a merge key (containers by name) are owned per element. Not modelled: atomic
 * structs, "." entries, granular list ownership of primitives, the apply-to-update migration.
 */
final class ServerSideApply {

  /** One managedFields entry: who, how, and the leaf fields they own. */
  record Owner(String manager, String operation, String apiVersion, Set<String> fields) {}

  private static final String SEP = "\n";
  private static final Set<String> SERVER_META =
      Set.of(
          "name",
          "namespace",
          "uid",
          "resourceVersion",
          "generation",
          "creationTimestamp",
          "managedFields",
          "selfLink");

  private final ObjectStore store;

  ServerSideApply(ObjectStore store) {
    this.store = store;
  }

  /**
   * The object an apply produces: created when current is null, else merged into current;
   * conflicting ownership with a different value fails with 409 unless forced.
   */
  ObjectNode apply(
      ResourceType t,
      String namespace,
      String name,
      ObjectNode current,
      ObjectNode applied,
      String manager,
      boolean force) {
    if (manager == null || manager.isBlank()) {
      throw StatusException.badRequest(
          "PATCH, application/apply-patch+yaml: fieldManager is required for apply requests");
    }
    String appliedName = applied.path("metadata").path("name").asText(name);
    if (!appliedName.equals(name)) {
      throw StatusException.badRequest(
          "the name of the object ("
              + appliedName
              + ") does not match the name on the URL ("
              + name
              + ")");
    }
    ObjectNode config = applied.deepCopy();
    config.remove("status");
    Set<String> appliedFields = leaves(config);
    if (current == null) {
      ObjectNode created = store.newObject(t, namespace, config);
      writeOwners(created, List.of(new Owner(manager, "Apply", t.apiVersion(), appliedFields)));
      return created;
    }
    List<Owner> owners = readOwners(current);
    List<StatusException.Cause> conflicts = new ArrayList<>();
    for (Owner o : owners) {
      if (o.manager().equals(manager) && o.operation().equals("Apply")) {
        continue;
      }
      for (String f : appliedFields) {
        if (o.fields().contains(f) && !valueAt(current, f).equals(valueAt(config, f))) {
          conflicts.add(
              new StatusException.Cause(
                  "FieldManagerConflict",
                  "conflict with \"" + o.manager() + "\" using " + o.apiVersion(),
                  display(f)));
        }
      }
    }
    if (!conflicts.isEmpty() && !force) {
      StringBuilder msg =
          new StringBuilder(
              "Apply failed with "
                  + conflicts.size()
                  + " conflict"
                  + (conflicts.size() == 1 ? "" : "s")
                  + ": ");
      for (int i = 0; i < conflicts.size(); i++) {
        msg.append(i == 0 ? "" : "\n")
            .append(conflicts.get(i).message())
            .append(": ")
            .append(conflicts.get(i).field());
      }
      throw new StatusException(409, "Conflict", msg.toString(), t, name, conflicts);
    }
    ObjectNode merged = current.deepCopy();
    Patch.merge(merged, config, true);
    Set<String> previouslyApplied = new LinkedHashSet<>();
    List<Owner> next = new ArrayList<>();
    for (Owner o : owners) {
      if (o.manager().equals(manager) && o.operation().equals("Apply")) {
        previouslyApplied.addAll(o.fields());
        continue;
      }
      Set<String> kept = new LinkedHashSet<>(o.fields());
      if (force) {
        kept.removeIf(
            f -> appliedFields.contains(f) && !valueAt(current, f).equals(valueAt(config, f)));
      }
      next.add(new Owner(o.manager(), o.operation(), o.apiVersion(), kept));
    }
    for (String f : previouslyApplied) {
      boolean ownedElsewhere = next.stream().anyMatch(o -> o.fields().contains(f));
      if (!appliedFields.contains(f) && !ownedElsewhere) {
        removeAt(merged, f);
      }
    }
    next.add(new Owner(manager, "Apply", t.apiVersion(), appliedFields));
    writeOwners(merged, next);
    return merged;
  }

  /** Gives an updater (create, update, patch) the fields it changed, taking them from others. */
  void recordUpdate(ResourceType t, ObjectNode before, ObjectNode after, String manager) {
    Set<String> now = leaves(after);
    Set<String> changed = new LinkedHashSet<>();
    for (String f : now) {
      if (before == null || !valueAt(before, f).equals(valueAt(after, f))) {
        changed.add(f);
      }
    }
    List<Owner> next = new ArrayList<>();
    Set<String> mine = new LinkedHashSet<>(changed);
    for (Owner o : before == null ? List.<Owner>of() : readOwners(before)) {
      Set<String> kept = new LinkedHashSet<>(o.fields());
      kept.retainAll(now);
      if (o.manager().equals(manager) && o.operation().equals("Update")) {
        mine.addAll(kept);
        continue;
      }
      kept.removeAll(changed);
      next.add(new Owner(o.manager(), o.operation(), o.apiVersion(), kept));
    }
    next.add(new Owner(manager, "Update", t.apiVersion(), mine));
    writeOwners(after, next);
  }

  /** Leaf field paths of an object, excluding server-owned metadata and status. */
  static Set<String> leaves(ObjectNode o) {
    Set<String> out = new LinkedHashSet<>();
    Iterator<Map.Entry<String, JsonNode>> it = o.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      if (k.equals("apiVersion") || k.equals("kind") || k.equals("status")) {
        continue;
      }
      if (k.equals("metadata") && e.getValue() instanceof ObjectNode m) {
        ObjectNode meta = m.deepCopy();
        meta.remove(SERVER_META);
        if (!meta.isEmpty()) {
          collect(meta, "f:metadata", out);
        }
        continue;
      }
      collect(e.getValue(), "f:" + k, out);
    }
    return out;
  }

  private static void collect(JsonNode v, String path, Set<String> out) {
    if (v instanceof ObjectNode o && !o.isEmpty()) {
      o.fields().forEachRemaining(e -> collect(e.getValue(), path + SEP + "f:" + e.getKey(), out));
    } else if (v instanceof ArrayNode a && Patch.mergeKey(a) != null) {
      String key = Patch.mergeKey(a);
      for (JsonNode el : a) {
        ObjectNode id = ObjectTrees.object();
        id.set(key, el.get(key));
        collect(el, path + SEP + "k:" + ObjectTrees.write(id), out);
      }
    } else {
      out.add(path);
    }
  }

  /** The value at a field path, or a missing node. */
  static JsonNode valueAt(JsonNode root, String path) {
    JsonNode n = root;
    for (String seg : path.split(SEP)) {
      n = step(n, seg);
      if (n == null || n.isMissingNode()) {
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
      }
    }
    return n;
  }

  private static JsonNode step(JsonNode n, String seg) {
    if (seg.startsWith("f:")) {
      return n.path(seg.substring(2));
    }
    JsonNode id = ObjectTrees.parse(seg.substring(2));
    Map.Entry<String, JsonNode> kv = id.fields().next();
    for (JsonNode el : n) {
      if (kv.getValue().equals(el.get(kv.getKey()))) {
        return el;
      }
    }
    return null;
  }

  private static void removeAt(ObjectNode root, String path) {
    String[] segs = path.split(SEP);
    JsonNode parent = root;
    for (int i = 0; i < segs.length - 1; i++) {
      parent = step(parent, segs[i]);
      if (parent == null || parent.isMissingNode()) {
        return;
      }
    }
    String last = segs[segs.length - 1];
    if (last.startsWith("f:") && parent instanceof ObjectNode po) {
      po.remove(last.substring(2));
    }
  }

  /** ".spec.replicas", or ".spec.template.spec.containers[name=\"web\"].image". */
  static String display(String path) {
    StringBuilder b = new StringBuilder();
    for (String seg : path.split(SEP)) {
      if (seg.startsWith("f:")) {
        b.append('.').append(seg.substring(2));
      } else {
        Map.Entry<String, JsonNode> kv = ObjectTrees.parse(seg.substring(2)).fields().next();
        b.append('[').append(kv.getKey()).append('=').append(kv.getValue()).append(']');
      }
    }
    return b.toString();
  }

  static List<Owner> readOwners(ObjectNode o) {
    List<Owner> out = new ArrayList<>();
    for (JsonNode e : o.path("metadata").path("managedFields")) {
      Set<String> fields = new LinkedHashSet<>();
      fieldsFromTree(e.path("fieldsV1"), "", fields);
      out.add(
          new Owner(
              e.path("manager").asText(),
              e.path("operation").asText("Update"),
              e.path("apiVersion").asText(),
              fields));
    }
    return out;
  }

  private static void fieldsFromTree(JsonNode tree, String prefix, Set<String> out) {
    Iterator<Map.Entry<String, JsonNode>> it = tree.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals(".")) {
        continue;
      }
      String p = prefix.isEmpty() ? e.getKey() : prefix + SEP + e.getKey();
      boolean hasChildren = false;
      for (Iterator<String> names = e.getValue().fieldNames(); names.hasNext(); ) {
        hasChildren |= !names.next().equals(".");
      }
      if (hasChildren) {
        fieldsFromTree(e.getValue(), p, out);
      } else {
        out.add(p);
      }
    }
  }

  private void writeOwners(ObjectNode o, List<Owner> owners) {
    ArrayNode mf = ObjectTrees.meta(o).putArray("managedFields");
    Map<String, Owner> byKey = new LinkedHashMap<>();
    for (Owner ow : owners) {
      if (!ow.fields().isEmpty()) {
        byKey.put(ow.manager() + "/" + ow.operation(), ow);
      }
    }
    for (Owner ow : byKey.values()) {
      ObjectNode tree = ObjectTrees.object();
      for (String f : ow.fields()) {
        ObjectNode n = tree;
        for (String seg : f.split(SEP)) {
          n = ObjectTrees.child(n, seg);
        }
      }
      mf.addObject()
          .put("manager", ow.manager())
          .put("operation", ow.operation())
          .put("apiVersion", ow.apiVersion())
          .put("time", store.now())
          .put("fieldsType", "FieldsV1")
          .set("fieldsV1", tree);
    }
    if (mf.isEmpty()) {
      ObjectTrees.meta(o).remove("managedFields");
    }
  }
}
