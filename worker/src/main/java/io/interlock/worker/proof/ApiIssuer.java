package io.interlock.worker.proof;

import io.interlock.contract.values.ApprovalProof;
import io.interlock.worker.api.ApiException;
import io.interlock.worker.config.InterlockConfig;
import io.interlock.workflows.proof.ProofSigner;
import io.interlock.workflows.proof.Statement;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The Interlock API as an issuer: every approval, rejection and task start it relays for an
 * authenticated user carries a JWS it signs over the exact statement. Its private key is a
 * credential reference resolved only here, in the API process; workflows see the signed token and
 * policy lists the public key.
 */
@ApplicationScoped
public class ApiIssuer {
  /** How long a relayed proof stays valid: it is sent at once, so minutes are plenty. */
  static final long VALID_SECONDS = 300;

  private final InterlockConfig config;

  /** The key last parsed, with the text it was parsed from (compared at every signature). */
  private volatile Parsed parsed;

  private record Parsed(String text, ProofSigner.IssuerKey key) {
    @Override
    public String toString() {
      return key.toString();
    }
  }

  public ApiIssuer(InterlockConfig config) {
    this.config = config;
  }

  public String name() {
    return config.api().issuer();
  }

  /**
   * Issued now, valid for a few minutes but never past {@code notAfter} (a step's deadline; null =
   * none).
   */
  public static Window window(Instant now, Instant notAfter) {
    return window(now, VALID_SECONDS, notAfter);
  }

  /** Issued now, valid {@code seconds} but never past {@code notAfter} (null = none). */
  public static Window window(Instant now, long seconds, Instant notAfter) {
    Instant issued = now.truncatedTo(ChronoUnit.SECONDS);
    Instant expires = issued.plusSeconds(seconds);
    if (notAfter != null && notAfter.isBefore(expires)) {
      expires = notAfter.truncatedTo(ChronoUnit.SECONDS);
    }
    return new Window(issued.toString(), expires.toString());
  }

  /** The times a statement is signed for. */
  public record Window(String issuedAt, String expiresAt) {}

  public ApprovalProof sign(Statement statement) {
    String token = ProofSigner.issueJws(name(), key(privateJwk()), statement);
    return ApprovalProof.jws(token, statement.issuedAt(), statement.expiresAt());
  }

  /**
   * The key parsed once per key text: the reference is read at every signature, so a rotated key
   * signs the next proof.
   */
  private ProofSigner.IssuerKey key(String json) {
    Parsed p = parsed;
    if (p == null || !p.text().equals(json) || !p.key().heldByProvider()) {
      p = new Parsed(json, ProofSigner.IssuerKey.of(json));
      parsed = p;
    }
    return p.key();
  }

  private String privateJwk() {
    String ref = config.api().signingKey();
    try {
      Optional<String> jwk = KeyReference.read(ref);
      if (jwk.isPresent()) {
        return jwk.get();
      }
    } catch (IllegalArgumentException e) {
      // reported below, without the key's contents
    }
    throw ApiException.unavailable(
        "the API cannot sign approvals: its signing key " + ref + " is missing or unreadable",
        "the API attests every decision and start it relays with its own signature",
        "set interlock.api.signing-key to env:VAR or file:/path of a private Ed25519 or P-256 JWK"
            + " (./interlock dev creates one)");
  }
}
