package io.interlock.activities.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.lang.JoseException;

/**
 * Public keys out of a JWKS or a single JWK (private parts dropped, so a private file still works).
 */
final class JwkSet {
  private JwkSet() {}

  /**
   * Parsed key files by their exact text: every policy check reads the issuers' files (so a rotated
   * key counts at once) and parsing them, not reading them, was the cost.
   */
  private static final Map<String, List<String>> PARSED =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
              return size() > 32;
            }
          });

  static List<String> publicKeys(String json) {
    List<String> known = PARSED.get(json);
    if (known != null) {
      return known;
    }
    List<String> parsed = List.copyOf(parse(json));
    PARSED.put(json, parsed);
    return parsed;
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
