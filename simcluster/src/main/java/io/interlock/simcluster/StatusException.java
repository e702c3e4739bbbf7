package io.interlock.simcluster;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** A failed request, carried to the dispatcher and answered as a Kubernetes Status object. */
final class StatusException extends RuntimeException {

  /** One entry of Status.details.causes. */
  record Cause(String reason, String message, String field) {}

  private final int code;
  private final String reason;
  private final ResourceType type;
  private final String name;
  private final List<Cause> causes;

  StatusException(
      int code, String reason, String message, ResourceType type, String name, List<Cause> causes) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.type = type;
    this.name = name;
    this.causes = causes;
  }

  static StatusException notFound(ResourceType t, String name) {
    return new StatusException(
        404, "NotFound", t.qualifiedName() + " \"" + name + "\" not found", t, name, List.of());
  }

  static StatusException alreadyExists(ResourceType t, String name) {
    return new StatusException(
        409,
        "AlreadyExists",
        t.qualifiedName() + " \"" + name + "\" already exists",
        t,
        name,
        List.of());
  }

  /** The optimistic-concurrency failure, worded as the API server words it. */
  static StatusException modified(ResourceType t, String name) {
    return conflict(
        t,
        name,
        "the object has been modified; please apply your changes to the latest version and try again");
  }

  static StatusException conflict(ResourceType t, String name, String why) {
    return new StatusException(
        409,
        "Conflict",
        "Operation cannot be fulfilled on " + t.qualifiedName() + " \"" + name + "\": " + why,
        t,
        name,
        List.of());
  }

  static StatusException invalid(ResourceType t, String name, String message) {
    return new StatusException(
        422, "Invalid", t.kind() + " \"" + name + "\" is invalid: " + message, t, name, List.of());
  }

  static StatusException badRequest(String message) {
    return new StatusException(400, "BadRequest", message, null, null, List.of());
  }

  int code() {
    return code;
  }

  ObjectNode toStatus() {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("kind", "Status").put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure").put("message", getMessage()).put("reason", reason).put("code", code);
    if (type != null || !causes.isEmpty()) {
      ObjectNode d = s.putObject("details");
      if (name != null) {
        d.put("name", name);
      }
      if (type != null) {
        d.put("group", type.group()).put("kind", type.plural());
      }
      if (!causes.isEmpty()) {
        var arr = d.putArray("causes");
        causes.forEach(
            c ->
                arr.addObject()
                    .put("reason", c.reason())
                    .put("message", c.message())
                    .put("field", c.field()));
      }
    }
    return s;
  }
}
