package io.interlock.activities.k8s.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.interlock.activities.k8s.ApiErrors;
import io.interlock.activities.k8s.Json;
import io.interlock.activities.k8s.Target;
import io.interlock.activities.k8s.Workloads;
import io.interlock.activities.tools.ArgsSchema;
import io.interlock.activities.tools.ReadTool;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.values.FailureType;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** k8s.logs: the tail of one container's log, bounded in lines and bytes. */
public final class LogsTool implements ReadTool {
  static final int DEFAULT_LINES = 200;
  static final int MAX_LINES = 1000;

  /** Logs are the largest reads: capped well below the payload cap. */
  static final int MAX_BYTES = 128 * 1024;

  private static final ArgsSchema SCHEMA =
      ArgsSchema.create()
          .oneOf(
              "kind",
              false,
              "Pod (default), or a workload whose first current pod is read",
              "Pod",
              "Deployment",
              "StatefulSet",
              "DaemonSet")
          .namespace("namespace", false, "namespace (default 'default')")
          .name("name", true, "pod (or workload) name")
          .string("container", false, "container name; optional when the pod has one container")
          .integer(
              "tailLines",
              false,
              "last lines to return (default " + DEFAULT_LINES + ")",
              1,
              MAX_LINES)
          .bool("previous", "the previous (crashed) container instance's log");

  @Override
  public String name() {
    return "k8s.logs";
  }

  @Override
  public String description() {
    return "The last lines of a container's log (kubectl logs --tail): default "
        + DEFAULT_LINES
        + ", max "
        + MAX_LINES
        + " lines and "
        + MAX_BYTES / 1024
        + " KiB; previous=true for a crashed instance.";
  }

  @Override
  public ArgsSchema schema() {
    return SCHEMA;
  }

  @Override
  public JsonNode read(ToolContext ctx, ToolArgs args) {
    List<String> kinds = List.of("Pod", "Deployment", "StatefulSet", "DaemonSet");
    Target t = Target.of(args, name(), kinds);
    String pod = t.name();
    if (!t.kind().is("Pod")) {
      JsonNode workload = t.require(ctx.client());
      List<Pod> pods = Workloads.selectedPods(ctx.client(), t, workload);
      if (pods.isEmpty()) {
        throw new ToolException(FailureType.NOT_FOUND, t + " has no pods");
      }
      pod = pods.get(0).getMetadata().getName();
    }
    Target podTarget =
        new Target(
            t.kind().is("Pod") ? t.kind() : io.interlock.activities.k8s.Kinds.of("Pod"),
            t.namespace(),
            pod);
    JsonNode p = podTarget.require(ctx.client());
    List<String> containers = new java.util.ArrayList<>();
    p.at("/spec/containers").forEach(c -> containers.add(c.path("name").asText()));
    String container = args.string("container", null);
    if (container == null) {
      if (containers.size() != 1) {
        throw new ToolException(
            FailureType.INVALID_ARGS,
            "args.container: required, pod " + pod + " has containers " + containers);
      }
      container = containers.get(0);
    }
    int lines = args.integer("tailLines", DEFAULT_LINES);
    String c = container;
    String finalPod = pod;
    String log =
        ApiErrors.call(
            "logs of pod " + t.namespace() + "/" + pod + " container " + c,
            () ->
                ctx.client()
                    .pods()
                    .inNamespace(t.namespace())
                    .withName(finalPod)
                    .inContainer(c)
                    .limitBytes(MAX_BYTES)
                    .tailingLines(lines)
                    .getLog(args.bool("previous")));
    log = log == null ? "" : log;
    ObjectNode out = Json.object();
    out.put("pod", pod);
    out.put("container", container);
    byte[] bytes = log.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_BYTES) {
      log = new String(bytes, bytes.length - MAX_BYTES, MAX_BYTES, StandardCharsets.UTF_8);
    }
    String[] all = log.split("\n", -1);
    int n = log.isEmpty() ? 0 : (log.endsWith("\n") ? all.length - 1 : all.length);
    if (n > lines) {
      log =
          String.join(
              "\n",
              java.util.Arrays.copyOfRange(
                  all, all.length - lines - (log.endsWith("\n") ? 1 : 0), all.length));
      n = lines;
    }
    out.put("lines", n);
    out.put("log", log);
    if (n >= lines || bytes.length >= MAX_BYTES) {
      out.put(
          "truncated",
          "showing the last "
              + n
              + " lines (tailLines="
              + lines
              + ", byte cap "
              + MAX_BYTES
              + "); earlier lines were cut");
    }
    return out;
  }
}
