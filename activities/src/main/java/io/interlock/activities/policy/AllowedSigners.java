package io.interlock.activities.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads an OpenSSH {@code allowed_signers} file (ssh-keygen(1), ALLOWED SIGNERS): lines of {@code
 * principals [options] keytype base64 [comment]}. A key whose {@code namespaces=} option leaves out
 * {@code interlock-approval} is not taken; certificate authorities are not supported.
 */
final class AllowedSigners {
  private AllowedSigners() {}

  /**
   * Parsed files by their exact text, as {@link JwkSet} keeps issuer keys: every policy check reads
   * the file (so a removed key counts at once); parsing it again is what a change-free read skips.
   */
  private static final Map<String, Map<String, List<String>>> PARSED =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Map<String, List<String>>> e) {
              return size() > 32;
            }
          });

  static Map<String, List<String>> read(Path file) {
    String text;
    try {
      text = Files.isRegularFile(file) ? Files.readString(file) : "";
    } catch (IOException e) { // unreadable or not UTF-8: no keys from it
      return Map.of();
    }
    Map<String, List<String>> known = PARSED.get(text);
    if (known == null) {
      known = parse(text);
      PARSED.put(text, known);
    }
    return known;
  }

  private static Map<String, List<String>> parse(String text) {
    Map<String, List<String>> out = new TreeMap<>();
    for (String raw : text.lines().toList()) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] t = line.split("\\s+");
      int k = 1;
      String options = "";
      if (t.length > 1 && !keyType(t[1])) {
        options = t[1];
        k = 2;
      }
      if (t.length < k + 2 || !keyType(t[k]) || options.contains("cert-authority")) {
        continue;
      }
      if (options.contains("namespaces=") && !options.contains("interlock-approval")) {
        continue;
      }
      for (String principal : t[0].split(",")) {
        String user = principal.replace("\"", "");
        out.computeIfAbsent(user, u -> new ArrayList<>()).add(t[k] + " " + t[k + 1]);
      }
    }
    Map<String, List<String>> frozen = new TreeMap<>();
    out.forEach((user, keys) -> frozen.put(user, List.copyOf(keys)));
    return Collections.unmodifiableMap(frozen);
  }

  private static boolean keyType(String s) {
    return s.startsWith("ssh-") || s.startsWith("ecdsa-") || s.startsWith("sk-");
  }
}
