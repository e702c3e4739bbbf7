package io.interlock.activities.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
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

  private static final ParsedByText<Map<String, List<String>>> PARSED =
      new ParsedByText<>(AllowedSigners::parse);

  static Map<String, List<String>> read(Path file) {
    String text;
    try {
      text = Files.isRegularFile(file) ? Files.readString(file) : "";
    } catch (IOException e) { // unreadable or not UTF-8: no keys from it
      return Map.of();
    }
    return PARSED.of(text);
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
