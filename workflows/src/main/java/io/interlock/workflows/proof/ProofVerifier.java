package io.interlock.workflows.proof;

import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.ProofPolicy;
import io.interlock.contract.values.ProofVerdict;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Decides whether a proof shows that the statement's identity made the statement. Pure and
 * deterministic, as it runs inside the workflow: keys come with the policy decision, time is the
 * workflow's, and any input yields a verdict rather than an exception.
 */
public final class ProofVerifier {
  static final int CLOCK_SKEW_SECONDS = 60;
  static final int MAX_PROOF_CHARS = 16 * 1024;
  private static final int MAX_TIME_CHARS = 40;
  private static final long DEADLINE_GRACE_MILLIS = 1000;
  private static final String NONE = "none";

  private ProofVerifier() {}

  /**
   * @param nowMillis the workflow's current time
   * @param notAfterMillis the step's deadline; a proof may not outlive it (0: no deadline)
   */
  public static ProofVerdict verify(
      ApprovalProof proof,
      Statement statement,
      ProofPolicy keys,
      long nowMillis,
      long notAfterMillis) {
    String kind = proof == null || !isKnownKind(proof.kind()) ? NONE : proof.kind();
    String digest = null;
    try {
      if (statement == null) {
        return ProofVerdict.refused(kind, null, "no statement to check the proof against");
      }
      digest = statement.digest();
      if (proof == null) {
        return ProofVerdict.refused(
            NONE,
            digest,
            "no proof: a name alone proves nothing; sign the statement with "
                + "`interlock sign` (SSH key) or present a token from a trusted issuer");
      }
      if (!isKnownKind(proof.kind())) {
        return ProofVerdict.refused(
            NONE,
            digest,
            "proof kind '" + ProofRefused.shown(proof.kind()) + "' is not ssh or jws");
      }
      if (statement.identity() == null) {
        return ProofVerdict.refused(
            kind, digest, "the statement names no identity (approver or requester)");
      }
      if (keys == null) {
        return ProofVerdict.refused(
            kind, digest, "no proof policy (keys) to check the proof against");
      }
      String evidence = ApprovalProof.SSH.equals(kind) ? proof.signature() : proof.token();
      String field = ApprovalProof.SSH.equals(kind) ? "signature" : "token";
      checkSize(proof.signature(), "signature");
      checkSize(proof.token(), "token");
      if (evidence == null || evidence.isBlank()) {
        return ProofVerdict.refused(
            kind, digest, kind + " proof needs a " + field + ", and it is empty");
      }
      checkTimes(proof, statement, keys, nowMillis, notAfterMillis);
      return ApprovalProof.SSH.equals(kind)
          ? SshProof.verify(evidence, statement, keys)
          : JwsProof.verify(evidence, statement, keys, nowMillis);
    } catch (ProofRefused r) {
      return ProofVerdict.refused(kind, digest, r.getMessage());
    } catch (Exception e) {
      return ProofVerdict.refused(
          kind, digest, kind + " proof could not be checked: " + e.getClass().getSimpleName());
    }
  }

  private static boolean isKnownKind(String kind) {
    return ApprovalProof.SSH.equals(kind) || ApprovalProof.JWS.equals(kind);
  }

  private static void checkSize(String value, String field) {
    if (value != null && value.length() > MAX_PROOF_CHARS) {
      throw new ProofRefused(
          "proof "
              + field
              + " is "
              + value.length()
              + " chars, over the "
              + MAX_PROOF_CHARS
              + " limit");
    }
  }

  private static void checkTimes(
      ApprovalProof proof,
      Statement statement,
      ProofPolicy keys,
      long nowMillis,
      long notAfterMillis) {
    Instant issued = instant(proof.issuedAt(), "issuedAt");
    Instant expires = instant(proof.expiresAt(), "expiresAt");
    if (!proof.issuedAt().equals(statement.issuedAt())
        || !proof.expiresAt().equals(statement.expiresAt())) {
      throw new ProofRefused(
          "proof times (issuedAt "
              + proof.issuedAt()
              + ", expiresAt "
              + proof.expiresAt()
              + ") are not the statement's");
    }
    Instant now = Instant.ofEpochMilli(nowMillis);
    if (issued.isAfter(now.plusSeconds(CLOCK_SKEW_SECONDS))) {
      throw new ProofRefused(
          "issued in the future: issuedAt "
              + issued
              + " is after now "
              + now
              + " + "
              + CLOCK_SKEW_SECONDS
              + " s clock skew");
    }
    if (now.isAfter(expires)) {
      throw new ProofRefused("expired at " + expires + " (now " + now + ")");
    }
    if (!expires.isAfter(issued)) {
      throw new ProofRefused("expiresAt " + expires + " is not after issuedAt " + issued);
    }
    long lifetime = Duration.between(issued, expires).getSeconds();
    if (lifetime > keys.maxProofSeconds()) {
      throw new ProofRefused(
          "valid for " + lifetime + " s, longer than maxProofSeconds " + keys.maxProofSeconds());
    }
    if (notAfterMillis > 0
        && expires.isAfter(
            Instant.ofEpochMilli(notAfterMillis).plusMillis(DEADLINE_GRACE_MILLIS))) {
      throw new ProofRefused(
          "expiresAt "
              + expires
              + " outlives the step deadline "
              + Instant.ofEpochMilli(notAfterMillis));
    }
  }

  private static Instant instant(String value, String field) {
    if (value == null || value.length() > MAX_TIME_CHARS) {
      throw new ProofRefused(
          "proof " + field + " '" + ProofRefused.shown(value) + "' is not an ISO-8601 instant");
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new ProofRefused(
          "proof " + field + " '" + ProofRefused.shown(value) + "' is not an ISO-8601 instant");
    }
  }
}
