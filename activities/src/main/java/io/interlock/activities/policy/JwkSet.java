package io.interlock.activities.policy;

import java.util.ArrayList;
import java.util.List;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.lang.JoseException;

/**
 * Public keys out of a JWKS or a single JWK (private parts dropped, so a private file still works).
 */
final class JwkSet {
  private JwkSet() {}

  private static final ParsedByText<List<String>> PARSED =
      new ParsedByText<>(json -> List.copyOf(parse(json)));

  static List<String> publicKeys(String json) {
    return PARSED.of(json);
  }

  private static List<String> parse(String json) {
    List<String> out = new ArrayList<>();
    try {
      List<JsonWebKey> keys =
          json.contains("\"keys\"")
              ? new JsonWebKeySet(json).getJsonWebKeys()
              : List.of(JsonWebKey.Factory.newJwk(json));
      for (JsonWebKey k : keys) {
        out.add(k.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
      }
    } catch (JoseException e) {
      throw new IllegalArgumentException("not a JWK or JWKS: " + e.getMessage(), e);
    }
    return out;
  }

  static boolean parses(String json) {
    try {
      publicKeys(json);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
