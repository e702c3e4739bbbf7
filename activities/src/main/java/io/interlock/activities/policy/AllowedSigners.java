package io.interlock.activities.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  static Map<String, List<String>> read(Path file) {
    Map<String, List<String>> out = new TreeMap<>();
    List<String> lines;
    try {
      lines = Files.isRegularFile(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      return out;
    }
    for (String raw : lines) {
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
    return out;
  }

  private static boolean keyType(String s) {
    return s.startsWith("ssh-") || s.startsWith("ecdsa-") || s.startsWith("sk-");
  }
}
