package io.interlock.contract.values;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Secret value by reference, the only way a value enters a call: in a Secret's {@code data} or
 * {@code stringData}, {@code {"valueFrom":{"secretRef":{"store":"dev","key":"db-password"}}}}. The
 * worker reads the value from its store when it previews and when it executes; the task's history
 * holds this reference, never the value.
 *
 * @param store a secret store the worker is configured with (DNS-1123 label)
 * @param key a file in that store (a Secret key: letters, digits, '-', '_', '.')
 */
public record SecretRef(String store, String key) {
  /** The shape, for error messages. */
  public static final String SHAPE =
      "{\"valueFrom\":{\"secretRef\":{\"store\":\"<store>\",\"key\":\"<key>\"}}}";

  private static final Pattern STORE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]+");
  private static final int MAX_STORE = 63;
  private static final int MAX_KEY = 253;

  /** The reference {@code node} is, when it has the reference's shape (exactly those fields). */
  public static Optional<SecretRef> of(JsonNode node) {
    if (node == null || !node.isObject() || node.size() != 1) {
      return Optional.empty();
    }
    JsonNode from = node.get("valueFrom");
    if (from == null || !from.isObject() || from.size() != 1) {
      return Optional.empty();
    }
    JsonNode ref = from.get("secretRef");
    if (ref == null
        || !ref.isObject()
        || ref.size() != 2
        || !ref.path("store").isTextual()
        || !ref.path("key").isTextual()) {
      return Optional.empty();
    }
    return Optional.of(new SecretRef(ref.get("store").asText(), ref.get("key").asText()));
  }

  /** Why this reference cannot name a value (naming the rule), or null. */
  public String problem() {
    if (store.length() > MAX_STORE || !STORE.matcher(store).matches()) {
      return "secretRef.store '"
          + shown(store)
          + "' is not a store name (rule secret-store-name: at most "
          + MAX_STORE
          + " lower-case letters, digits and '-'); use a store the worker is configured with";
    }
    if (key.length() > MAX_KEY
        || !KEY.matcher(key).matches()
        || key.equals(".")
        || key.equals("..")) {
      return "secretRef.key '"
          + shown(key)
          + "' is not a key (rule secret-key-name: at most "
          + MAX_KEY
          + " letters, digits, '-', '_' and '.', not '.' or '..'); use a file name in the store";
    }
    return null;
  }

  /** How the reference is named in sources and messages: {@code secretRef dev/db-password}. */
  public String label() {
    return "secretRef " + store + "/" + key;
  }

  private static String shown(String s) {
    return (s.length() > 64 ? s.substring(0, 64) + "…" : s).replaceAll("\\p{Cntrl}", "?");
  }
}
