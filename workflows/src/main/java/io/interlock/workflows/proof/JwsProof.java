package io.interlock.workflows.proof;

import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.ProofPolicy;
import io.interlock.contract.values.ProofVerdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;

/** Checks a compact JWS from a trusted issuer over a statement. */
final class JwsProof {
  static final String STATEMENT_CLAIM = "interlock_statement";
  private static final Set<String> ALGORITHMS =
      Set.of(AlgorithmIdentifiers.EDDSA, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);

  private JwsProof() {}

  static ProofVerdict verify(String token, Statement statement, ProofPolicy keys, long nowMillis) {
    JsonWebSignature unverified = parse(token);
    String alg = unverified.getAlgorithmHeaderValue();
    if (!ALGORITHMS.contains(alg)) {
      throw new ProofRefused(
          "token alg '" + ProofRefused.shown(alg) + "' is not allowed (EdDSA or ES256 only)");
    }
    String issuer = issuerOf(unverified);
    List<JsonWebKey> issuerKeys = issuerKeys(keys, issuer);

    JwksVerificationKeyResolver resolver = new JwksVerificationKeyResolver(issuerKeys);
    resolver.setDisambiguateWithVerifySignature(true);
    JwtConsumer consumer =
        new JwtConsumerBuilder()
            .setJwsAlgorithmConstraints(
                new AlgorithmConstraints(
                    AlgorithmConstraints.ConstraintType.PERMIT,
                    AlgorithmIdentifiers.EDDSA,
                    AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256))
            .setVerificationKeyResolver(resolver)
            .setJwsProviderContext(EdDsaProvider.forVerifying(alg))
            .setEvaluationTime(NumericDate.fromMilliseconds(nowMillis))
            .setAllowedClockSkewInSeconds(ProofVerifier.CLOCK_SKEW_SECONDS)
            .setExpectedIssuer(issuer)
            .setRequireSubject()
            .setRequireIssuedAt()
            .setRequireExpirationTime()
            .setSkipDefaultAudienceValidation() // the statement claim binds the token; aud would
            // add nothing
            .build();
    JwtClaims claims;
    try {
      claims = consumer.processToClaims(token);
    } catch (InvalidJwtException e) {
      throw new ProofRefused(problem(e, issuer));
    }
    return checkClaims(claims, statement, issuer);
  }

  private static ProofVerdict checkClaims(JwtClaims claims, Statement statement, String issuer) {
    Object sub = claims.getClaimValue("sub");
    if (!statement.identity().equals(sub)) {
      throw new ProofRefused(
          "token subject '"
              + ProofRefused.shown(String.valueOf(sub))
              + "' is not '"
              + ProofRefused.shown(statement.identity())
              + "', who the statement says is speaking");
    }
    Object signedFor = claims.getClaimValue(STATEMENT_CLAIM);
    if (signedFor == null) {
      throw new ProofRefused("token has no " + STATEMENT_CLAIM + " claim");
    }
    if (!statement.digest().equals(signedFor)) {
      throw new ProofRefused(
          "token was signed for another statement: task, step, hash, decision or comment differ ("
              + STATEMENT_CLAIM
              + " "
              + ProofRefused.shown(String.valueOf(signedFor))
              + ")");
    }
    long iat = seconds(claims, "iat");
    long exp = seconds(claims, "exp");
    if (iat != Instant.parse(statement.issuedAt()).getEpochSecond()) {
      throw new ProofRefused(
          "token iat " + iat + " differs from the proof's issuedAt " + statement.issuedAt());
    }
    if (exp != Instant.parse(statement.expiresAt()).getEpochSecond()) {
      throw new ProofRefused(
          "token exp " + exp + " differs from the proof's expiresAt " + statement.expiresAt());
    }
    return new ProofVerdict(ApprovalProof.JWS, true, null, null, issuer, statement.digest(), null);
  }

  private static JsonWebSignature parse(String token) {
    JsonWebStructure structure;
    try {
      structure = JsonWebStructure.fromCompactSerialization(token.strip());
    } catch (JoseException | RuntimeException e) {
      throw new ProofRefused("malformed token: not a compact JWS (header.payload.signature)");
    }
    if (!(structure instanceof JsonWebSignature jws)) {
      throw new ProofRefused("malformed token: an encrypted JWE, not a signed JWS");
    }
    return jws;
  }

  private static String issuerOf(JsonWebSignature unverified) {
    Object iss;
    try {
      iss = JwtClaims.parse(unverified.getUnverifiedPayload()).getClaimValue("iss");
    } catch (Exception e) {
      throw new ProofRefused("malformed token: the payload is not a JSON claims set");
    }
    if (!(iss instanceof String issuer) || issuer.isEmpty()) {
      throw new ProofRefused("token has no iss (issuer) claim");
    }
    return issuer;
  }

  private static List<JsonWebKey> issuerKeys(ProofPolicy keys, String issuer) {
    List<String> jwks = keys.issuers().get(issuer);
    if (jwks == null) {
      throw new ProofRefused(
          "token issuer '"
              + ProofRefused.shown(issuer)
              + "' is not a trusted issuer in policy (issuers)");
    }
    List<JsonWebKey> parsed = new ArrayList<>();
    for (String json : jwks) {
      try {
        parsed.add(JsonWebKey.Factory.newJwk(json));
      } catch (Exception e) {
        // a malformed key in policy must not hide the issuer's other keys
      }
    }
    if (parsed.isEmpty()) {
      throw new ProofRefused(
          "issuer '"
              + ProofRefused.shown(issuer)
              + "' has no usable public keys in policy (issuers)");
    }
    return parsed;
  }

  private static String problem(InvalidJwtException e, String issuer) {
    String who = "issuer '" + ProofRefused.shown(issuer) + "'";
    if (e.hasExpired()) {
      return "token expired (exp " + expiry(e) + ")";
    }
    if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)
        || causedBy(e, UnresolvableKeyException.class)) {
      return "bad signature: no key of " + who + " verifies the token signature";
    }
    if (e.hasErrorCode(ErrorCodes.SUBJECT_MISSING)) {
      return "token has no sub (subject) claim";
    }
    if (e.hasErrorCode(ErrorCodes.ISSUED_AT_MISSING)) {
      return "token has no iat (issued at) claim";
    }
    if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
      return "token has no exp (expiry) claim";
    }
    if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
      return "token is not yet valid (nbf is in the future)";
    }
    if (e.hasErrorCode(ErrorCodes.MALFORMED_CLAIM) || e.hasErrorCode(ErrorCodes.JSON_INVALID)) {
      return "malformed token: a claim has the wrong type";
    }
    String first =
        e.getErrorDetails().isEmpty() ? "unknown" : e.getErrorDetails().get(0).getErrorMessage();
    return "token refused by " + who + " check: " + ProofRefused.shown(first);
  }

  private static String expiry(InvalidJwtException e) {
    try {
      return Instant.ofEpochSecond(e.getJwtContext().getJwtClaims().getExpirationTime().getValue())
          .toString();
    } catch (Exception unreadable) {
      return "unreadable";
    }
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    Throwable t = e;
    for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static long seconds(JwtClaims claims, String name) {
    try {
      return claims.getNumericDateClaimValue(name).getValue();
    } catch (Exception e) {
      throw new ProofRefused("token " + name + " is not a number of seconds");
    }
  }
}
