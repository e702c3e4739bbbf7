package io.interlock.worker.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Signs a statement the way git signs commits with SSH keys: {@code ssh-keygen -Y sign -n
 * interlock-approval -f KEY}, so keys in ssh-agent and on hardware tokens work as they do there.
 */
final class SshSigner {
  private SshSigner() {}

  static String sign(Path key, String namespace, String text) {
    if (!Files.exists(key)) {
      throw new CliFailure(
          CliFailure.USAGE,
          "no key at " + key + "; pass --key with your private key (or its .pub with ssh-agent)");
    }
    Process p;
    try {
      p =
          new ProcessBuilder(
                  "ssh-keygen", "-q", "-Y", "sign", "-n", namespace, "-f", key.toString())
              .start();
    } catch (IOException e) {
      throw new CliFailure(
          CliFailure.USAGE,
          "cannot run ssh-keygen (" + e.getMessage() + "); install OpenSSH's client");
    }
    try (OutputStream in = p.getOutputStream()) {
      in.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CliFailure(CliFailure.REFUSED, "ssh-keygen stopped reading: " + e.getMessage());
    }
    try {
      String out = read(p.getInputStream());
      String err = read(p.getErrorStream());
      if (!p.waitFor(60, TimeUnit.SECONDS)
          || p.exitValue() != 0
          || !out.contains("BEGIN SSH SIGNATURE")) {
        throw new CliFailure(CliFailure.REFUSED, "ssh-keygen -Y sign failed: " + err.strip());
      }
      return out.strip();
    } catch (IOException e) {
      throw new CliFailure(CliFailure.REFUSED, "ssh-keygen failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(CliFailure.REFUSED, "interrupted while signing");
    }
  }

  private static String read(InputStream s) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    s.transferTo(b);
    return b.toString(StandardCharsets.UTF_8);
  }
}
