package io.interlock.activities.k8s.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Event;
import io.interlock.activities.k8s.Bounded;
import io.interlock.activities.k8s.Json;
import io.interlock.activities.k8s.Kinds;
import io.interlock.activities.k8s.Target;
import io.interlock.activities.tools.ArgsSchema;
import io.interlock.activities.tools.ReadTool;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import java.util.List;

/** k8s.events: recent events of a namespace or one object, newest first, limited. */
public final class EventsTool implements ReadTool {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;
  private static final ArgsSchema SCHEMA =
      ArgsSchema.create()
          .namespace("namespace", false, "namespace (default 'default')")
          .string("kind", false, "only events about objects of this kind, e.g. Pod")
          .name("name", false, "only events about the object with this name")
          .oneOf("type", false, "only Normal or only Warning events", "Normal", "Warning")
          .integer(
              "limit",
              false,
              "most recent events to return (default " + DEFAULT_LIMIT + ")",
              1,
              MAX_LIMIT);

  @Override
  public String name() {
    return "k8s.events";
  }

  @Override
  public String description() {
    return "Recent events (like kubectl events) of a namespace or of one object, newest first;"
        + " limit default "
        + DEFAULT_LIMIT
        + ", max "
        + MAX_LIMIT
        + "; says how many were cut.";
  }

  @Override
  public ArgsSchema schema() {
    return SCHEMA;
  }

  @Override
  public JsonNode read(ToolContext ctx, ToolArgs args) {
    String ns = args.string("namespace", Target.DEFAULT_NAMESPACE);
    String kind = args.has("kind") ? Kinds.of(args.string("kind")).name() : null;
    List<Event> events =
        Events.of(ctx.client(), ns, kind, args.string("name", null)).stream()
            .filter(e -> !args.has("type") || args.string("type").equals(e.getType()))
            .toList();
    int limit = args.integer("limit", DEFAULT_LIMIT);
    ObjectNode out = Json.object();
    out.put("namespace", ns);
    out.set("events", Events.rows(events, limit));
    out.put("count", Math.min(limit, events.size()));
    if (events.size() > limit) {
      out.put(
          "truncated",
          "showing the "
              + limit
              + " most recent of "
              + events.size()
              + " events; raise limit (max "
              + MAX_LIMIT
              + ") or filter by kind/name/type");
    }
    return Bounded.cap(out, "lower limit or filter by kind/name/type");
  }
}
