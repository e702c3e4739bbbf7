package io.interlock.simcluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How a simulated container behaves, chosen by its image tag so a test or demo can ask for a
 * failure by image alone:
 *
 * <ul>
 *   <li>{@code :crashloop} — CrashLoopBackOff, restartCount rising every tick, never ready;
 *   <li>{@code :badimage} or {@code :does-not-exist} — ImagePullBackOff, pod stays Pending;
 *   <li>{@code :neverready} — running but the readiness probe never passes;
 *   <li>{@code :flaky} — ready, but with restarts behind it (restartCount 2);
 *   <li>anything else — healthy: running and ready one tick after creation.
 * </ul>
 *
 * Rollout progress deadlines are handled by {@link WorkloadController}.
 */
enum FailureInjection {
  // Declared from least to most severe: the worst container decides the pod.
  HEALTHY,
  FLAKY,
  NEVER_READY,
  CRASHLOOP,
  IMAGE_PULL_BACKOFF;

  static FailureInjection of(String image) {
    String tag = tag(image);
    return switch (tag) {
      case "crashloop" -> CRASHLOOP;
      case "badimage", "does-not-exist" -> IMAGE_PULL_BACKOFF;
      case "neverready" -> NEVER_READY;
      case "flaky" -> FLAKY;
      default -> HEALTHY;
    };
  }

  /** The tag of an image reference ("registry:5000/app:1.2@sha256:..." gives "1.2"). */
  static String tag(String image) {
    String ref = image == null ? "" : image.split("@")[0];
    String last = ref.substring(ref.lastIndexOf('/') + 1);
    int colon = last.indexOf(':');
    return colon < 0 ? "latest" : last.substring(colon + 1);
  }

  /** The worst behaviour among a pod's containers decides the pod. */
  static FailureInjection ofPod(JsonNode pod) {
    FailureInjection worst = HEALTHY;
    for (JsonNode c : pod.path("spec").path("containers")) {
      FailureInjection f = of(c.path("image").asText());
      if (f.ordinal() > worst.ordinal()) {
        worst = f;
      }
    }
    return worst;
  }

  /** True when pods with this behaviour eventually pass readiness. */
  boolean becomesReady() {
    return this == HEALTHY || this == FLAKY;
  }

  /** Moves a pod one tick along its life: Pending, then its behaviour's steady state. */
  static void advance(ObjectNode pod, String nodeIp, String podIp, String now) {
    ObjectNode status = ObjectTrees.child(pod, "status");
    JsonNode oldConditions = status.path("conditions").deepCopy();
    boolean fresh = !status.has("phase");
    FailureInjection f = ofPod(pod);
    if (fresh) {
      status
          .put("phase", "Pending")
          .put("hostIP", nodeIp)
          .put("podIP", podIp)
          .put("startTime", now)
          .put("qosClass", "BestEffort");
      conditions(status, oldConditions, false, now);
      ArrayNode cs = status.putArray("containerStatuses");
      for (JsonNode c : pod.path("spec").path("containers")) {
        ObjectNode s =
            cs.addObject()
                .put("name", c.path("name").asText())
                .put("image", c.path("image").asText())
                .put("imageID", "")
                .put("ready", false)
                .put("restartCount", 0)
                .put("started", false);
        s.putObject("state").putObject("waiting").put("reason", "ContainerCreating");
      }
      return;
    }
    boolean podReady = true;
    boolean running = true;
    JsonNode previousStatuses = status.path("containerStatuses").deepCopy();
    ArrayNode cs = status.putArray("containerStatuses");
    int i = 0;
    for (JsonNode c : pod.path("spec").path("containers")) {
      JsonNode previous = previousStatuses.path(i++);
      FailureInjection cf = of(c.path("image").asText());
      String image = c.path("image").asText();
      ObjectNode s =
          cs.addObject()
              .put("name", c.path("name").asText())
              .put("image", image)
              .put("imageID", "sim://" + image)
              .put(
                  "containerID",
                  "sim://"
                      + pod.path("metadata").path("uid").asText()
                      + "/"
                      + c.path("name").asText());
      ObjectNode state = s.putObject("state");
      int restarts = previous.path("restartCount").asInt(0);
      switch (cf) {
        case CRASHLOOP -> {
          restarts++;
          state
              .putObject("waiting")
              .put("reason", "CrashLoopBackOff")
              .put(
                  "message",
                  "back-off 10s restarting failed container="
                      + c.path("name").asText()
                      + " pod="
                      + pod.path("metadata").path("name").asText());
          s.putObject("lastState")
              .putObject("terminated")
              .put("exitCode", 1)
              .put("reason", "Error")
              .put("finishedAt", now);
          s.put("ready", false).put("started", false);
          podReady = false;
        }
        case IMAGE_PULL_BACKOFF -> {
          state
              .putObject("waiting")
              .put("reason", "ImagePullBackOff")
              .put("message", "Back-off pulling image \"" + image + "\"");
          s.put("ready", false).put("started", false);
          podReady = false;
          running = false;
        }
        case NEVER_READY -> {
          state
              .putObject("running")
              .put("startedAt", pod.path("status").path("startTime").asText(now));
          s.put("ready", false).put("started", true);
          podReady = false;
        }
        case FLAKY -> {
          restarts = Math.max(restarts, 2);
          String started = pod.path("status").path("startTime").asText(now);
          state.putObject("running").put("startedAt", started);
          s.putObject("lastState")
              .putObject("terminated")
              .put("exitCode", 137)
              .put("reason", "Error")
              .put("finishedAt", started);
          s.put("ready", true).put("started", true);
        }
        default -> {
          state
              .putObject("running")
              .put("startedAt", pod.path("status").path("startTime").asText(now));
          s.put("ready", true).put("started", true);
        }
      }
      s.put("restartCount", restarts);
    }
    status.put("phase", running ? "Running" : "Pending");
    conditions(status, oldConditions, podReady, now);
    if (!podReady) {
      for (JsonNode cond : status.path("conditions")) {
        if (cond.path("type").asText().endsWith("Ready")) {
          ((ObjectNode) cond).put("reason", "ContainersNotReady");
        }
      }
    }
  }

  static boolean isReady(JsonNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        return c.path("status").asText().equals("True");
      }
    }
    return false;
  }

  /** What `kubectl logs` shows for a simulated pod. */
  static String log(JsonNode pod) {
    String name = pod.path("metadata").path("name").asText();
    return switch (ofPod(pod)) {
      case CRASHLOOP ->
          "simulated: "
              + name
              + " starting\nsimulated: fatal error, exiting with code 1 (image tag 'crashloop')\n";
      case IMAGE_PULL_BACKOFF -> "";
      case NEVER_READY ->
          "simulated: " + name + " running; readiness probe failing (image tag 'neverready')\n";
      default -> "simulated: " + name + " started and serving\n";
    };
  }

  /** Pod conditions; a condition keeps its lastTransitionTime while its status is unchanged. */
  private static void conditions(ObjectNode status, JsonNode old, boolean ready, String now) {
    ArrayNode conds = status.putArray("conditions");
    String r = ready ? "True" : "False";
    for (String[] c :
        new String[][] {
          {"PodScheduled", "True"}, {"Initialized", "True"}, {"ContainersReady", r}, {"Ready", r}
        }) {
      String since = now;
      for (JsonNode o : old) {
        if (o.path("type").asText().equals(c[0]) && o.path("status").asText().equals(c[1])) {
          since = o.path("lastTransitionTime").asText(now);
        }
      }
      conds.addObject().put("type", c[0]).put("status", c[1]).put("lastTransitionTime", since);
    }
  }
}
