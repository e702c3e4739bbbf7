package io.interlock.activities.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.activities.k8s.verify.PodEvidence;
import io.interlock.activities.k8s.verify.RolloutStatus;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.values.CallerText;
import io.interlock.contract.values.FailureType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Deployments, StatefulSets and DaemonSets: their pod templates, pods and rollout state. */
public final class Workloads {
  public static final List<String> KINDS = List.of("Deployment", "StatefulSet", "DaemonSet");
  public static final List<String> SCALABLE = List.of("Deployment", "StatefulSet");

  /** Kubernetes' default progressDeadlineSeconds. */
  public static final long DEFAULT_DEADLINE_SECONDS = 600;

  /** Evidence lines are for people: the rest is summarised. */
  private static final int MAX_POD_LINES = 20;

  private Workloads() {}

  /** The pod template's containers (not init containers). */
  public static ArrayNode containers(JsonNode workload) {
    JsonNode c = workload.at("/spec/template/spec/containers");
    return c instanceof ArrayNode a ? a : Json.NODES.arrayNode();
  }

  /** The container a call names, or the only one; INVALID_ARGS otherwise. */
  public static ObjectNode container(JsonNode workload, String name, String target) {
    List<ObjectNode> all = new ArrayList<>();
    for (String path :
        List.of("/spec/template/spec/containers", "/spec/template/spec/initContainers")) {
      workload.at(path).forEach(c -> all.add((ObjectNode) c));
    }
    List<String> names = all.stream().map(c -> c.path("name").asText()).toList();
    if (name == null) {
      if (containers(workload).size() != 1) {
        throw new ToolException(
            FailureType.INVALID_ARGS,
            "args.container: required, " + target + " has containers " + names);
      }
      return (ObjectNode) containers(workload).get(0);
    }
    return all.stream()
        .filter(c -> name.equals(c.path("name").asText()))
        .findFirst()
        .orElseThrow(
            () ->
                new ToolException(
                    FailureType.INVALID_ARGS,
                    "args.container: "
                        + target
                        + " has no container '"
                        + CallerText.shown(name)
                        + "'; it has "
                        + names));
  }

  public static long progressDeadlineSeconds(JsonNode workload) {
    JsonNode d = workload == null ? null : workload.at("/spec/progressDeadlineSeconds");
    return d != null && d.canConvertToInt() && d.asLong() > 0
        ? d.asLong()
        : DEFAULT_DEADLINE_SECONDS;
  }

  /**
   * kubectl's rollout status for this workload, refined by the pods running its current template.
   */
  public static Observation observe(KubernetesClient client, Target target, JsonNode live) {
    Observation rollout =
        switch (target.kind().name()) {
          case "Deployment" -> RolloutStatus.deployment(Json.typed(live, Deployment.class));
          case "StatefulSet" -> RolloutStatus.statefulSet(Json.typed(live, StatefulSet.class));
          case "DaemonSet" -> RolloutStatus.daemonSet(Json.typed(live, DaemonSet.class));
          default -> throw new IllegalArgumentException(target.kind().name() + " has no rollout");
        };
    PodEvidence pods = PodEvidence.of(currentPods(client, target, live));
    Observation refined = pods.refine(rollout);
    return new Observation(
        refined.status(), capped(refined.evidence()), capped(refined.warnings()));
  }

  /** Pods selected by the workload whose containers run the template's images. */
  public static List<Pod> currentPods(KubernetesClient client, Target target, JsonNode live) {
    return selectedPods(client, target, live).stream().filter(p -> runsTemplate(p, live)).toList();
  }

  public static List<Pod> selectedPods(KubernetesClient client, Target target, JsonNode live) {
    LabelSelector selector = Json.typed(live.at("/spec/selector"), LabelSelector.class);
    if (selector == null
        || (selector.getMatchLabels() == null && selector.getMatchExpressions() == null)) {
      return List.of();
    }
    return ApiErrors.call(
        "list pods of " + target,
        () ->
            client
                .pods()
                .inNamespace(target.namespace())
                .withLabelSelector(selector)
                .list()
                .getItems());
  }

  private static boolean runsTemplate(Pod pod, JsonNode live) {
    List<String> want = new ArrayList<>();
    containers(live)
        .forEach(c -> want.add(c.path("name").asText() + "=" + c.path("image").asText()));
    List<String> has =
        pod.getSpec() == null || pod.getSpec().getContainers() == null
            ? List.of()
            : pod.getSpec().getContainers().stream()
                .map(c -> c.getName() + "=" + c.getImage())
                .toList();
    return has.containsAll(want);
  }

  /** Template images by container name. */
  public static Map<String, String> images(JsonNode workload) {
    Map<String, String> images = new java.util.LinkedHashMap<>();
    containers(workload)
        .forEach(c -> images.put(c.path("name").asText(), c.path("image").asText()));
    return images;
  }

  private static List<String> capped(List<String> lines) {
    if (lines.size() <= MAX_POD_LINES) {
      return lines;
    }
    List<String> out = new ArrayList<>(lines.subList(0, MAX_POD_LINES));
    out.add("... and " + (lines.size() - MAX_POD_LINES) + " more lines");
    return out.stream().filter(Objects::nonNull).toList();
  }
}
