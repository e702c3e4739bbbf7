package io.interlock.activities.k8s.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.activities.k8s.Json;
import io.interlock.activities.tools.ArgsSchema;
import io.interlock.activities.tools.ReadTool;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import io.interlock.activities.tools.ToolException;
import io.interlock.activities.tools.WriteTool;
import io.interlock.contract.values.CallerText;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.Preview;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * k8s.diff: the preview of a would-be write, as a read. Previews never mutate (server-side dry
 * run), so this runs without approval; the write itself still goes through the gate.
 */
public final class DiffTool implements ReadTool {
  private final Map<String, WriteTool> writes = new TreeMap<>();
  private final ArgsSchema schema =
      ArgsSchema.create()
          .object(
              "manifest",
              false,
              "a manifest to compare with the live object (what k8s.apply would change)")
          .string("tool", false, "a k8s write tool, e.g. k8s.scale, whose call to preview")
          .object("args", false, "the arguments of that would-be call")
          // The would-be call obeys its own tool's schema, checked before anything runs.
          .rule(
              args -> {
                call(args);
                return List.of();
              });

  public DiffTool(List<WriteTool> writes) {
    writes.forEach(w -> this.writes.put(w.name(), w));
  }

  @Override
  public String name() {
    return "k8s.diff";
  }

  @Override
  public String description() {
    return "Preview a change without making it (like kubectl diff): give a manifest (diffed as k8s.apply would"
        + " apply it) or a would-be write call {tool, args}; returns the unified YAML diff of live vs intended"
        + " from a server-side dry-run, the summary and warnings. Secret values are redacted.";
  }

  @Override
  public ArgsSchema schema() {
    return schema;
  }

  /** The would-be call: a write tool and its arguments, valid by that tool's schema. */
  private Map.Entry<WriteTool, ToolArgs> call(ToolArgs args) {
    if (args.has("manifest") == args.has("tool")) {
      throw new ToolException(
          FailureType.INVALID_ARGS,
          "give exactly one of args.manifest or args.tool (with args.args)");
    }
    String toolName = args.has("manifest") ? "k8s.apply" : args.string("tool");
    WriteTool tool = writes.get(toolName);
    if (tool == null) {
      throw new ToolException(
          FailureType.INVALID_ARGS,
          "args.tool: '"
              + CallerText.shown(toolName)
              + "' is not a k8s write tool; known: "
              + writes.keySet());
    }
    Map<String, Object> callArgs;
    if (args.has("manifest")) {
      callArgs = Map.of("manifest", args.values().get("manifest"));
    } else {
      Object a = args.values().get("args");
      callArgs =
          a instanceof Map<?, ?> m
              ? castArgs(m)
              : a == null
                  ? Map.of()
                  : castArgs(Json.MAPPER.convertValue(args.object("args"), Map.class));
    }
    List<String> problems = tool.schema().validate(callArgs);
    if (!problems.isEmpty()) {
      throw new ToolException(
          FailureType.INVALID_ARGS, toolName + ": " + String.join("; ", problems));
    }
    return Map.entry(tool, new ToolArgs(callArgs));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castArgs(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  @Override
  public JsonNode read(ToolContext ctx, ToolArgs args) {
    Map.Entry<WriteTool, ToolArgs> call = call(args);
    String toolName = call.getKey().name();
    Preview p = call.getKey().preview(ctx, call.getValue());
    ObjectNode out = Json.object();
    out.put("tool", toolName);
    out.put("summary", p.summary());
    out.set("target", Json.MAPPER.valueToTree(p.target()));
    out.put("dryRun", p.dryRun());
    out.put("diff", p.diff());
    var warnings = out.putArray("warnings");
    p.warnings().forEach(warnings::add);
    return out;
  }
}
