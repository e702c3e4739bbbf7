package io.interlock.worker.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.workflows.StrictJsonPayloadConverter;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Request bodies are read as strictly as Temporal payloads: trailing garbage, a second concatenated
 * document, a duplicated key, a fraction or text for a whole number is a 400, never silently
 * half-read; so is an unknown field (a misspelt "approvalTimeoutSecond" must not quietly mean the
 * default). What a caller meant must be unambiguous.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {
  @Override
  public void customize(ObjectMapper mapper) {
    StrictJsonPayloadConverter.strict(mapper);
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }
}
