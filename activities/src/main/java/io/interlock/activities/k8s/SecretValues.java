package io.interlock.activities.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.activities.tools.ToolContext;
import io.interlock.activities.tools.ToolException;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.SecretRef;
import io.interlock.workflows.SecretLiterals;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Secret values by reference, resolved inside the worker: a Secret's {@code data} and {@code
 * stringData} hold {@link SecretRef}s, replaced by their stores' values only in the body sent to
 * the cluster ({@code data} base64-encoded, {@code stringData} as UTF-8 text). The approval binds
 * each value by a keyed digest in {@code target.sources}, so a value changed in its store after
 * approval stops the write.
 */
public final class SecretValues {
  private static final String DATA = "data";
  private static final String STRING_DATA = "stringData";

  private SecretValues() {}

  /**
   * A Secret manifest or merge patch with its values in place.
   *
   * @param object the body to send (values included: never stored, logged or returned)
   * @param sources what the approval binds: {@code secretRef <store>/<key>} to a keyed digest of
   *     its value
   * @param notes for approvers, where each value comes from
   */
  public record Resolved(ObjectNode object, Map<String, String> sources, List<String> notes) {
    /**
     * The object as the API server stores it: stringData written into data (base64), for comparing
     * with the live one.
     */
    public ObjectNode asStored() {
      ObjectNode o = object.deepCopy();
      if (o.remove(STRING_DATA) instanceof ObjectNode strings && !strings.isEmpty()) {
        ObjectNode data = o.get(DATA) instanceof ObjectNode d ? d : o.putObject(DATA);
        strings
            .fields()
            .forEachRemaining(
                e ->
                    data.set(
                        e.getKey(),
                        e.getValue().isNull()
                            ? e.getValue()
                            : Json.NODES.textNode(
                                base64(e.getValue().asText().getBytes(StandardCharsets.UTF_8)))));
      }
      return o;
    }
  }

  /**
   * References only, checked without reading any store; INVALID_ARGS naming the field otherwise.
   */
  public static void requireReferences(JsonNode secretOrPatch, String path) {
    String problem = SecretLiterals.inSecret(secretOrPatch, path);
    if (problem != null) {
      throw new ToolException(FailureType.INVALID_ARGS, problem);
    }
  }

  /** {@code secretOrPatch} with every reference replaced by its store's value. */
  public static Resolved resolve(ObjectNode secretOrPatch, String path, ToolContext ctx) {
    requireReferences(secretOrPatch, path);
    ObjectNode out = secretOrPatch.deepCopy();
    Map<String, String> sources = new TreeMap<>();
    List<String> notes = new ArrayList<>();
    for (String field : List.of(DATA, STRING_DATA)) {
      if (!(out.get(field) instanceof ObjectNode values)) {
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isNull()) {
          continue; // a merge patch deleting the key
        }
        SecretRef ref = SecretRef.of(e.getValue()).orElseThrow();
        byte[] value = ctx.secretStores().value(ref);
        String at = path + "." + field + "." + e.getKey();
        e.setValue(Json.NODES.textNode(field.equals(DATA) ? base64(value) : text(value, ref, at)));
        sources.put(ref.label(), ctx.digestKey().digest("secret-value", value));
        notes.add(
            at
                + ": value from secret store '"
                + ref.store()
                + "', key '"
                + ref.key()
                + "' (read by the worker; bound by its digest in target.sources)");
      }
    }
    return new Resolved(out, sources, notes);
  }

  private static String base64(byte[] value) {
    return Base64.getEncoder().encodeToString(value);
  }

  /** stringData is text: a value that is not UTF-8 belongs under data. */
  private static String text(byte[] value, SecretRef ref, String at) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ToolException(
          FailureType.INVALID_ARGS,
          at
              + ": "
              + ref.label()
              + " holds bytes that are not UTF-8 text;"
              + " reference it under data instead, where values are base64-encoded for you");
    }
  }
}
