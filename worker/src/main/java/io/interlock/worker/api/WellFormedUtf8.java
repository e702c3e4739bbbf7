package io.interlock.worker.api;

import io.interlock.workflows.StrictJsonPayloadConverter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A JSON body read into a request record must be well-formed UTF-8 first: the JSON parser would
 * decode an overlong "/" (C0 AF) or a lone surrogate as if it were text. Bodies read as text or
 * bytes (the MCP endpoint) check for themselves.
 */
@Provider
public class WellFormedUtf8 implements ReaderInterceptor {
  @Override
  public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
    MediaType type = context.getMediaType();
    boolean mapped = context.getType() != String.class && context.getType() != byte[].class;
    if (mapped && type != null && type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
      byte[] body = context.getInputStream().readAllBytes();
      String problem = StrictJsonPayloadConverter.notWellFormedUtf8(ByteBuffer.wrap(body));
      if (problem != null) {
        throw ApiException.badRequest(
            "the request body is not valid JSON for this endpoint",
            "it is " + problem,
            "send the body encoded as UTF-8");
      }
      context.setInputStream(new ByteArrayInputStream(body));
    }
    return context.proceed();
  }
}
