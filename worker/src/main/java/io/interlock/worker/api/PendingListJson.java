package io.interlock.worker.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.contract.values.PendingApproval;
import io.interlock.worker.api.ApiModels.PendingView;
import io.interlock.worker.inbox.PendingIndex;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * GET /api/approvals as bytes: each entry's JSON is rendered once (all of {@link PendingView} but
 * the caller's canApprove) and kept in the index, so a list of 10,000 copies some 15 MB instead of
 * serializing 10,000 views on every call. The bytes are Jackson's own, from the API's mapper.
 */
@Singleton
public class PendingListJson {
  private static final byte[] CAN = "true}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] CANNOT = "false}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] LAST_FIELD =
      ",\"canApprove\":false}".getBytes(StandardCharsets.UTF_8);

  private final ObjectMapper json;
  private final Function<PendingApproval, byte[]> open = this::open;

  public PendingListJson(ObjectMapper json) {
    this.json = json;
  }

  /**
   * The entries as a JSON array of {@link PendingView} for {@code user}. Every entry is rendered
   * before the answer starts, so a failure is an error status, never a cut-off array.
   */
  public StreamingOutput of(List<PendingIndex.Entry> entries, String user) {
    List<byte[]> opened = entries.stream().map(e -> e.rendered(open)).toList();
    return out -> {
      out.write('[');
      for (int i = 0; i < opened.size(); i++) {
        if (i > 0) {
          out.write(',');
        }
        out.write(opened.get(i));
        out.write(PendingView.canApprove(entries.get(i).approval(), user) ? CAN : CANNOT);
      }
      out.write(']');
    };
  }

  /** The entry's view up to the value of canApprove, its last field: {@code {...,"canApprove":}. */
  private byte[] open(PendingApproval p) {
    byte[] whole;
    try {
      whole = json.writeValueAsBytes(PendingView.of(p, false));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    int cut = whole.length - LAST_FIELD.length;
    if (cut < 0 || !Arrays.equals(whole, cut, whole.length, LAST_FIELD, 0, LAST_FIELD.length)) {
      throw new IllegalStateException("a pending view's JSON must end with canApprove");
    }
    return Arrays.copyOf(whole, whole.length - CANNOT.length);
  }
}
