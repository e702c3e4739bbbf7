package io.interlock.activities.policy;

import io.interlock.contract.values.ProofPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How identities are proven (policy {@code identities}): users' SSH signing keys, inline or in
 * OpenSSH {@code allowed_signers} files, and the issuers whose signed tokens are trusted. Files are
 * read on every use, so a rotated or revoked key takes effect at the next check; a missing file
 * lists no keys (fail closed).
 *
 * @param allowedSigners {@code allowed_signers} files ({@code ~/} is the worker's home)
 * @param sshKeys user to inline public keys
 * @param issuers issuer name to its public keys
 * @param maxProofSeconds longest validity of one proof
 */
public record Identities(
    List<String> allowedSigners,
    Map<String, List<String>> sshKeys,
    Map<String, Issuer> issuers,
    long maxProofSeconds) {

  /**
   * One trusted issuer of approval tokens.
   *
   * @param jwks inline public JWKs (JSON)
   * @param jwksFile a JWKS ({@code {"keys":[...]}}) or single-JWK file, read on use
   */
  public record Issuer(List<String> jwks, String jwksFile) {}

  public static final Identities NONE = new Identities(List.of(), Map.of(), Map.of(), 0);

  public Identities {
    allowedSigners = List.copyOf(allowedSigners);
    sshKeys = Map.copyOf(sshKeys);
    issuers = Map.copyOf(issuers);
  }

  /** The keys as they stand now, in the shape the workflow verifies against. */
  public ProofPolicy resolve(String mode) {
    Map<String, List<String>> keys = new TreeMap<>();
    sshKeys.forEach(
        (user, list) -> keys.computeIfAbsent(user, u -> new ArrayList<>()).addAll(list));
    for (String file : allowedSigners) {
      AllowedSigners.read(path(file))
          .forEach((user, list) -> keys.computeIfAbsent(user, u -> new ArrayList<>()).addAll(list));
    }
    Map<String, List<String>> issuerKeys = new TreeMap<>();
    issuers.forEach((name, issuer) -> issuerKeys.put(name, issuerKeys(issuer)));
    return new ProofPolicy(mode, keys, issuerKeys, maxProofSeconds);
  }

  private static List<String> issuerKeys(Issuer issuer) {
    List<String> out = new ArrayList<>(issuer.jwks());
    if (issuer.jwksFile() != null) {
      Path p = path(issuer.jwksFile());
      try {
        if (Files.isRegularFile(p)) {
          out.addAll(JwkSet.publicKeys(Files.readString(p)));
        }
      } catch (IOException | RuntimeException e) {
        // An unreadable key file trusts nothing from it: proofs fail with "no key", never pass.
      }
    }
    return out;
  }

  /** {@code ~/x} is the worker's home; other paths as given. */
  static Path path(String file) {
    return file.startsWith("~/")
        ? Path.of(System.getProperty("user.home"), file.substring(2))
        : Path.of(file);
  }
}
