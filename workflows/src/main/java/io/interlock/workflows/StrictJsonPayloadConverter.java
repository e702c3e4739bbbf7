package io.interlock.workflows;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.google.protobuf.UnsafeByteOperations;
import io.interlock.contract.values.CallerText;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverterException;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import io.temporal.common.converter.PayloadConverter;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * JSON payloads read strictly, as the REST API reads bodies (see {@link #strict}). A refusal names
 * the type it was read as and the field it stopped at.
 */
public final class StrictJsonPayloadConverter implements PayloadConverter {
  /** Characters of the parser's reason a refusal repeats. */
  private static final int REASON_SHOWN = 600;

  private final JacksonJsonPayloadConverter json =
      new JacksonJsonPayloadConverter(strict(JacksonJsonPayloadConverter.newDefaultObjectMapper()));

  /**
   * What a caller meant must be unambiguous: trailing tokens, a second concatenated document or a
   * duplicated key is refused (never half-read, never "last key wins"), and a whole-number field
   * takes only a JSON integer (no fraction truncated, no text such as "١٢" parsed as 12).
   */
  public static ObjectMapper strict(ObjectMapper mapper) {
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    mapper
        .coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    return mapper;
  }

  @Override
  public String getEncodingType() {
    return json.getEncodingType();
  }

  @Override
  public Optional<Payload> toData(Object value) throws DataConverterException {
    return json.toData(value);
  }

  @Override
  public <T> T fromData(Payload content, Class<T> valueClass, Type valueType)
      throws DataConverterException {
    String notUtf8 = notUtf8(content);
    if (notUtf8 != null) {
      throw new DataConverterException(
          "cannot read the input as " + valueClass.getSimpleName() + ": " + notUtf8);
    }
    try {
      return json.fromData(content, valueClass, valueType);
    } catch (DataConverterException e) {
      Throwable reason = e.getCause() == null ? e : e.getCause();
      // The parser quotes the input it stopped at, whatever its size: the failure must stay small.
      throw new DataConverterException(
          "cannot read the input as "
              + valueClass.getSimpleName()
              + ": "
              + CallerText.shown(describe(reason), REASON_SHOWN),
          reason);
    }
  }

  private static String notUtf8(Payload content) {
    String problem = notWellFormedUtf8(content.getData().asReadOnlyByteBuffer());
    return problem == null ? null : problem + "; send JSON encoded as UTF-8";
  }

  /**
   * Why {@code bytes} are not well-formed UTF-8, or null. The JSON parser decodes some ill-formed
   * UTF-8 (an overlong "/" as C0 AF, a lone surrogate) as if it were text, so JSON is checked
   * first.
   */
  public static String notWellFormedUtf8(ByteBuffer bytes) {
    // Protobuf's validator (Unicode's rules: no overlongs, no surrogates) runs without decoding;
    // the decoder only finds the offset to report.
    if (UnsafeByteOperations.unsafeWrap(bytes.duplicate()).isValidUtf8()) {
      return null;
    }
    String at = "";
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes);
    } catch (CharacterCodingException e) {
      at = " (ill-formed bytes at offset " + bytes.position() + ")";
    }
    return "not well-formed UTF-8" + at;
  }

  /**
   * The parser's reason and the path of the field it stopped at (steps[0].args); values at most
   * quoted short.
   */
  private static String describe(Throwable reason) {
    if (!(reason instanceof JsonProcessingException p)) {
      return String.valueOf(reason.getMessage());
    }
    String path = reason instanceof JsonMappingException m ? path(m.getPath()) : "";
    return (path.isEmpty() ? "" : "field " + path + ": ") + p.getOriginalMessage();
  }

  private static String path(List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference r : references) {
      if (r.getFieldName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
      }
    }
    return path.toString();
  }
}
