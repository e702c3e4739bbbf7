package io.interlock.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.contract.views.AuditEntry;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.history.v1.MarkerRecordedEventAttributes;
import io.temporal.workflow.Workflow;

/**
 * How an audit entry travels in a history: as the value of a side-effect marker. The workflow
 * writes and every reader reads through here, so the SDK's marker layout is named in one place.
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
}
