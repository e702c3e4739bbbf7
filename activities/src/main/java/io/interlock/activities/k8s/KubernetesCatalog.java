package io.interlock.activities.k8s;

import io.interlock.activities.k8s.read.DescribeTool;
import io.interlock.activities.k8s.read.DiffTool;
import io.interlock.activities.k8s.read.EventsTool;
import io.interlock.activities.k8s.read.GetTool;
import io.interlock.activities.k8s.read.ListTool;
import io.interlock.activities.k8s.read.LogsTool;
import io.interlock.activities.k8s.read.RolloutHistoryTool;
import io.interlock.activities.k8s.read.RolloutStatusTool;
import io.interlock.activities.k8s.write.ApplyTool;
import io.interlock.activities.k8s.write.CordonTool;
import io.interlock.activities.k8s.write.DeleteTool;
import io.interlock.activities.k8s.write.PatchTool;
import io.interlock.activities.k8s.write.RolloutRestartTool;
import io.interlock.activities.k8s.write.RolloutUndoTool;
import io.interlock.activities.k8s.write.ScaleTool;
import io.interlock.activities.k8s.write.SetImageTool;
import io.interlock.activities.k8s.write.UncordonTool;
import io.interlock.activities.tools.Tool;
import io.interlock.activities.tools.ToolRegistry;
import io.interlock.activities.tools.WriteTool;
import java.util.ArrayList;
import java.util.List;

/** Every Kubernetes tool, the {@code k8s.*} part of the catalog. */
public final class KubernetesCatalog {
  private KubernetesCatalog() {}

  /** The write tools, each gated by the workflow because it implements WriteTool. */
  public static List<WriteTool> writes() {
    return List.of(
        new ApplyTool(),
        new PatchTool(),
        new ScaleTool(),
        new SetImageTool(),
        new RolloutRestartTool(),
        new RolloutUndoTool(),
        new DeleteTool(),
        new CordonTool(),
        new UncordonTool());
  }

  /** The read tools; k8s.diff previews the writes above. */
  public static List<Tool> reads() {
    return List.of(
        new GetTool(),
        new ListTool(),
        new DescribeTool(),
        new LogsTool(),
        new EventsTool(),
        new RolloutStatusTool(),
        new RolloutHistoryTool(),
        new DiffTool(writes()));
  }

  public static List<Tool> all() {
    List<Tool> tools = new ArrayList<>(reads());
    tools.addAll(writes());
    return List.copyOf(tools);
  }

  public static ToolRegistry registry() {
    return new ToolRegistry(all());
  }
}
