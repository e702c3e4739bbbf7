package io.interlock.workflows.proof;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.Set;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.OpenSSHPublicKeyUtil;

/** SSH public key lines as the policy lists them: {@code "<type> <base64> [comment]"}. */
public final class SshKeys {
  static final Set<String> SUPPORTED =
      Set.of(
          "ssh-ed25519",
          "ecdsa-sha2-nistp256",
          "ecdsa-sha2-nistp384",
          "ecdsa-sha2-nistp521",
          "ssh-rsa");
  private static final int MAX_LINE = 16 * 1024;

  private SshKeys() {}

  /** {@code SHA256:<base64>}, exactly as {@code ssh-keygen -lf key.pub} prints it. */
  public static String fingerprint(String authorizedKeyLine) {
    byte[] blob = blob(authorizedKeyLine);
    if (blob == null) {
      throw new IllegalArgumentException(
          "not an SSH public key line: " + ProofRefused.shown(authorizedKeyLine));
    }
    return fingerprint(blob);
  }

  /** True when the line is a public key of a type proofs can be verified with. */
  public static boolean parses(String line) {
    byte[] blob = blob(line);
    if (blob == null || !SUPPORTED.contains(new SshWire(blob).text())) {
      return false;
    }
    try {
      AsymmetricKeyParameter key = OpenSSHPublicKeyUtil.parsePublicKey(blob);
      return !key.isPrivate();
    } catch (RuntimeException e) {
      return false;
    }
  }

  static String fingerprint(byte[] blob) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(blob);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * The key blob of a line, or null when the line is not one (bad base64, type differs from the
   * blob's).
   */
  static byte[] blob(String line) {
    if (line == null || line.length() > MAX_LINE) {
      return null;
    }
    String[] parts = line.strip().split("\\s+", 3);
    if (parts.length < 2) {
      return null;
    }
    try {
      byte[] blob = Base64.getDecoder().decode(parts[1]);
      return parts[0].equals(new SshWire(blob).text()) ? blob : null;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
