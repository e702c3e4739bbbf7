package io.interlock.activities.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The worker's key for digests of secret content (HMAC-SHA256). A plain hash of a Secret in a
 * history could be checked offline against guessed values; a keyed one cannot without this key,
 * which never leaves the worker. Every worker serving one environment needs the same key, or a
 * Secret previewed by one and executed by another looks changed (refused, never written).
 */
public final class DigestKey {
  /** Shortest key accepted: HMAC-SHA256's own block of randomness. */
  public static final int MIN_BYTES = 32;

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  private DigestKey(byte[] key) {
    if (key.length < MIN_BYTES) {
      throw new IllegalArgumentException(
          "a digest key has at least "
              + MIN_BYTES
              + " bytes, got "
              + key.length
              + "; make one with `head -c 32 /dev/urandom | base64`");
    }
    this.key = new SecretKeySpec(key.clone(), ALGORITHM);
  }

  public static DigestKey of(byte[] key) {
    return new DigestKey(key);
  }

  /** The key written as text (base64, surrounding whitespace ignored), as a key file holds it. */
  public static DigestKey parse(String base64) {
    try {
      return new DigestKey(Base64.getDecoder().decode(base64.strip()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "a digest key is base64 text of at least "
              + MIN_BYTES
              + " random bytes ("
              + e.getMessage()
              + "); make one with `head -c 32 /dev/urandom | base64`",
          e);
    }
  }

  /** A fresh random key, as base64 text for a key file. */
  public static String generate() {
    byte[] k = new byte[MIN_BYTES];
    new SecureRandom().nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  /** A key for this process only (tests, or a worker that was given none). */
  public static DigestKey ephemeral() {
    return parse(generate());
  }

  /**
   * {@code hmac-sha256:} of {@code data} under this key; {@code purpose} separates domains, so a
   * digest made for one use never equals one made for another.
   */
  public String digest(String purpose, byte[] data) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update(purpose.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return "hmac-sha256:" + HexFormat.of().formatHex(mac.doFinal(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "DigestKey[hidden]";
  }
}
