package io.interlock.activities.tools;

import io.interlock.contract.activities.ResolvedCall;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.Effect;
import io.interlock.contract.values.ToolSpec;
import io.interlock.workflows.SecretLiterals;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The catalog. The effect of a tool comes from here only: WRITE exactly when the class implements
 * {@link WriteTool}. Nothing in a request can change it.
 */
public final class ToolRegistry {
  private final Map<String, Tool> tools = new TreeMap<>();

  public ToolRegistry(Collection<? extends Tool> tools) {
    for (Tool t : tools) {
      if (this.tools.putIfAbsent(t.name(), t) != null) {
        throw new IllegalArgumentException("two tools are named " + t.name());
      }
    }
  }

  public Optional<Tool> find(String name) {
    return Optional.ofNullable(name == null ? null : tools.get(name));
  }

  public static Effect effectOf(Tool tool) {
    return tool instanceof WriteTool ? Effect.WRITE : Effect.READ;
  }

  public static ToolSpec spec(Tool tool) {
    return new ToolSpec(
        tool.name(),
        effectOf(tool),
        tool.idempotent(),
        tool.destructive(),
        tool.description(),
        tool instanceof WriteTool w ? w.verification() : "read: not verified",
        tool.schema().json());
  }

  public List<ToolSpec> catalog() {
    List<ToolSpec> specs = new ArrayList<>();
    tools.values().forEach(t -> specs.add(spec(t)));
    return specs;
  }

  /** The spec of a known tool with valid arguments, or the problems that stop the call. */
  public ResolvedCall resolve(ToolCall call) {
    if (call == null || call.tool() == null || call.tool().isBlank()) {
      return new ResolvedCall(null, List.of("tool: required; see the catalog for tool names"));
    }
    Tool tool = tools.get(call.tool());
    if (tool == null) {
      return new ResolvedCall(
          null,
          List.of(
              "tool '"
                  + call.tool()
                  + "' is not in the catalog; it is refused and nothing ran. Known tools: "
                  + tools.keySet()));
    }
    List<String> problems = new ArrayList<>(tool.schema().validate(call.args()));
    // The workflow refused these before storing the call; checked again for any call that reaches a
    // worker.
    String secret = problems.isEmpty() ? SecretLiterals.problem(call) : null;
    if (secret != null) {
      problems.add(secret);
    }
    return new ResolvedCall(spec(tool), problems);
  }
}
