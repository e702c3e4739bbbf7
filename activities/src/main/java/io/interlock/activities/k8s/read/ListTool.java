package io.interlock.activities.k8s.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.interlock.activities.k8s.ApiErrors;
import io.interlock.activities.k8s.Bounded;
import io.interlock.activities.k8s.Json;
import io.interlock.activities.k8s.Kind;
import io.interlock.activities.k8s.Kinds;
import io.interlock.activities.k8s.Manifests;
import io.interlock.activities.k8s.Redaction;
import io.interlock.activities.k8s.Target;
import io.interlock.activities.tools.ArgsSchema;
import io.interlock.activities.tools.ReadTool;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import java.util.List;

/** k8s.list: objects of one kind, paginated, redacted and size-capped. */
public final class ListTool implements ReadTool {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 200;
  private static final ArgsSchema SCHEMA =
      ArgsSchema.create()
          .string("kind", true, "object kind, e.g. Deployment, Pod (plural and short names work)")
          .namespace(
              "namespace", false, "namespace (default 'default'; ignored for cluster-scoped kinds)")
          .bool("allNamespaces", "list across all namespaces (namespace is then ignored)")
          .string("labelSelector", false, "label selector, e.g. app=web,tier!=db")
          .string("fieldSelector", false, "field selector, e.g. status.phase=Running")
          .integer("limit", false, "page size (default " + DEFAULT_LIMIT + ")", 1, MAX_LIMIT)
          .string("continue", false, "the continue token of the previous page");

  @Override
  public String name() {
    return "k8s.list";
  }

  @Override
  public String description() {
    return "List objects of one kind (like kubectl get), paginated: limit (default "
        + DEFAULT_LIMIT
        + ", max "
        + MAX_LIMIT
        + ") and continue; Secret values are redacted; says what was cut.";
  }

  @Override
  public ArgsSchema schema() {
    return SCHEMA;
  }

  @Override
  public JsonNode read(ToolContext ctx, ToolArgs args) {
    Kind kind = Kinds.of(args.string("kind"));
    int limit = args.integer("limit", DEFAULT_LIMIT);
    boolean all = !kind.namespaced() || args.bool("allNamespaces");
    String ns = all ? null : args.string("namespace", Target.DEFAULT_NAMESPACE);
    var options =
        new ListOptionsBuilder()
            .withLimit((long) limit)
            .withContinue(args.string("continue", null));
    if (args.has("labelSelector")) {
      options.withLabelSelector(args.string("labelSelector"));
    }
    if (args.has("fieldSelector")) {
      options.withFieldSelector(args.string("fieldSelector"));
    }
    KubernetesResourceList<HasMetadata> list =
        ApiErrors.call(
            "list " + kind.name(),
            () -> {
              var op = kind.operation(ctx.client());
              return all
                  ? op.inAnyNamespace().list(options.build())
                  : op.inNamespace(ns).list(options.build());
            });
    List<HasMetadata> items = list.getItems();
    ObjectNode out = Json.object();
    out.put("kind", kind.name());
    if (ns != null) {
      out.put("namespace", ns);
    }
    ArrayNode rows = out.putArray("items");
    int budget = Bounded.MAX_BYTES - 4096;
    int used = 0;
    int shown = 0;
    for (HasMetadata item : items) {
      if (shown >= limit) {
        break;
      }
      JsonNode row = Redaction.redact(Manifests.forAudit(Json.tree(item)), kind.name());
      int size = Bounded.size(row);
      if (used + size > budget) {
        break;
      }
      rows.add(row);
      used += size;
      shown++;
    }
    String next = list.getMetadata() == null ? null : list.getMetadata().getContinue();
    Long remaining = list.getMetadata() == null ? null : list.getMetadata().getRemainingItemCount();
    boolean more = next != null && !next.isEmpty();
    out.put("count", shown);
    if (shown < items.size()) {
      // Cut inside this page: the server's token would skip the cut items, so offer a smaller page.
      out.put(
          "truncated",
          "showing "
              + shown
              + " of "
              + (items.size() + (remaining == null ? 0 : remaining))
              + (more && remaining == null ? "+" : "")
              + " items (limit or the "
              + Bounded.MAX_BYTES
              + " byte cap); pass limit="
              + Math.max(1, shown)
              + " to page through all, or narrow with labelSelector/fieldSelector");
    } else if (more) {
      out.put("continue", next);
      out.put(
          "truncated",
          "showing "
              + shown
              + " of "
              + (remaining == null ? "more than " + shown : String.valueOf(shown + remaining))
              + " items; pass continue="
              + next
              + " for more");
    }
    return out;
  }
}
