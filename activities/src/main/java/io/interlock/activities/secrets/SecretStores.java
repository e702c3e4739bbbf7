package io.interlock.activities.secrets;

import io.interlock.activities.tools.ToolException;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.SecretRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Where Secret values by reference come from: named stores, each a directory on the worker whose
 * files are the values (file name = key), the layout of a mounted Kubernetes Secret, a Vault Agent
 * or Secrets Store CSI volume. Only the worker reads them, at preview and at execution; a value
 * goes to the cluster in the write's body and nowhere else.
 */
public final class SecretStores {
  /** Largest value read: a whole Kubernetes Secret holds at most 1 MiB. */
  static final int MAX_BYTES = 1024 * 1024;

  private static final Pattern STORE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private final Map<String, Path> stores;

  private SecretStores(Map<String, Path> stores) {
    this.stores = stores;
  }

  public static SecretStores none() {
    return new SecretStores(Map.of());
  }

  /** Stores by name (a DNS-1123 label, as references name them) and directory. */
  public static SecretStores of(Map<String, Path> stores) {
    Map<String, Path> checked = new TreeMap<>();
    stores.forEach(
        (name, dir) -> {
          if (!STORE_NAME.matcher(name).matches() || name.length() > 63) {
            throw new IllegalArgumentException(
                "secret store name '"
                    + name
                    + "' is not a DNS-1123 label"
                    + " (lower-case letters, digits and '-', at most 63); rename it in the worker's configuration");
          }
          checked.put(name, dir);
        });
    return new SecretStores(Map.copyOf(checked));
  }

  public Set<String> names() {
    return new java.util.TreeSet<>(stores.keySet());
  }

  /**
   * The value {@code ref} names; refused naming the store, the key and what to do, never the value.
   */
  public byte[] value(SecretRef ref) {
    String problem = ref.problem();
    if (problem != null) {
      throw new ToolException(FailureType.INVALID_ARGS, problem);
    }
    Path dir = stores.get(ref.store());
    if (dir == null) {
      throw new ToolException(
          FailureType.INVALID_ARGS,
          "no secret store '"
              + ref.store()
              + "' on the worker serving this"
              + " environment (stores: "
              + names()
              + "); name one of them, or have an operator configure"
              + " interlock.secrets.stores."
              + ref.store());
    }
    // The key is a plain file name (no '/', not '.' or '..'): it cannot leave the store's
    // directory.
    Path file = dir.resolve(ref.key());
    if (!Files.isRegularFile(file)) {
      throw new ToolException(
          FailureType.NOT_FOUND,
          "secret store '"
              + ref.store()
              + "' has no key '"
              + ref.key()
              + "'; an operator adds it as the file '"
              + ref.key()
              + "' in that store, or name a key it has");
    }
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new ToolException(
            FailureType.INVALID_ARGS,
            "secret store '"
                + ref.store()
                + "' key '"
                + ref.key()
                + "' holds more than "
                + MAX_BYTES
                + " bytes, more than a Secret can; store a smaller value");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ToolException(
          FailureType.NOT_FOUND,
          "secret store '"
              + ref.store()
              + "' key '"
              + ref.key()
              + "' cannot be read by the worker ("
              + e.getClass().getSimpleName()
              + "); an operator checks its permissions");
    }
  }
}
