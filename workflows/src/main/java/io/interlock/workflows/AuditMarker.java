package io.interlock.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.contract.views.AuditEntry;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.history.v1.MarkerRecordedEventAttributes;
import io.temporal.common.converter.RawValue;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * How audit entries travel in a history: as the value of a side-effect marker, one entry (runs of
 * older code) or a JSON array of them. The workflow writes and every reader reads through here, so
 * the SDK's marker layout is named in one place.
 */
public final class AuditMarker {
  /**
   * The SDK records {@code Workflow.sideEffect} as a marker of this name, its value under {@link
   * #DATA}.
   */
  static final String NAME = "SideEffect";

  static final String DATA = "data";

  private AuditMarker() {}

  /** Records the entry in the history (a command: call from workflow code only). */
  public static void write(AuditEntry entry) {
    Workflow.sideEffect(AuditEntry.class, () -> entry);
  }

  /** Records the entries, in order, as one marker (a command: call from workflow code only). */
  public static void write(List<AuditEntry> entries) {
    AuditEntry[] batch = entries.toArray(AuditEntry[]::new);
    // Converted here, once, by the task's own converter: a RawValue is recorded as it is, where
    // any other value is converted to JSON and then read back from it.
    Workflow.sideEffect(
        RawValue.class,
        () -> new RawValue(AgentTaskOptions.dataConverter().toPayload(batch).orElseThrow()));
  }

  /** The payloads of the marker's value, or null when the marker cannot carry an audit entry. */
  public static Payloads payloads(MarkerRecordedEventAttributes marker) {
    if (!NAME.equals(marker.getMarkerName()) || !marker.containsDetails(DATA)) {
      return null;
    }
    return marker.getDetailsOrThrow(DATA);
  }

  /**
   * Whether a decoded marker value is an audit entry (other side effects carry no seq and kind).
   */
  public static boolean isEntry(JsonNode value) {
    return value != null && value.hasNonNull("seq") && value.hasNonNull("kind");
  }

  /**
   * The audit entries a decoded marker value carries, in order: itself, the entries of a batch, or
   * none (another side effect).
   */
  public static List<JsonNode> entries(JsonNode value) {
    if (value != null && value.isArray()) {
      List<JsonNode> entries = new ArrayList<>();
      value.forEach(
          v -> {
            if (isEntry(v)) {
              entries.add(v);
            }
          });
      return entries;
    }
    return isEntry(value) ? List.of(value) : List.of();
  }
}
