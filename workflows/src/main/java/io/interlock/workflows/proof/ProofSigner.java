package io.interlock.workflows.proof;

import java.security.PrivateKey;
import java.time.Instant;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.OkpJwkGenerator;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/**
 * Issues JWS proofs for a trusted issuer (the API, tests). Never called from workflow code: it
 * generates keys and signs with randomness.
 */
public final class ProofSigner {
  private ProofSigner() {}

  /**
   * Starts registering the faster EdDSA provider on a daemon thread, so a process's first proofs
   * are signed and verified with it too; for startup, never for workflow code.
   */
  public static void prepare() {
    EdDsaProvider.forSigning(AlgorithmIdentifiers.EDDSA);
  }

  /** A compact JWS over the statement: EdDSA for an Ed25519 key, ES256 for a P-256 key. */
  public static String issueJws(String issuer, String jwkPrivateJson, Statement statement) {
    return issueJws(issuer, IssuerKey.of(jwkPrivateJson), statement);
  }

  /** {@link #issueJws(String, String, Statement)} with a key parsed once, for a signer's reuse. */
  public static String issueJws(String issuer, IssuerKey key, Statement statement) {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(issuer);
    claims.setSubject(statement.identity());
    claims.setIssuedAt(
        NumericDate.fromSeconds(Instant.parse(statement.issuedAt()).getEpochSecond()));
    claims.setExpirationTime(
        NumericDate.fromSeconds(Instant.parse(statement.expiresAt()).getEpochSecond()));
    claims.setClaim(JwsProof.STATEMENT_CLAIM, statement.digest());

    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(key.signingKey());
    jws.setAlgorithmHeaderValue(key.alg());
    jws.setProviderContext(EdDsaProvider.forSigning(key.alg()));
    jws.setHeader("typ", "JWT");
    if (key.kid() != null) {
      jws.setKeyIdHeaderValue(key.kid());
    }
    try {
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalArgumentException(
          "could not sign with the issuer key: " + e.getMessage(), e);
    }
  }

  /**
   * An issuer's private key, parsed and checked once. An Ed25519 key is held as Bouncy Castle's own
   * once that provider is registered: it keeps the public half it derives, which every signature
   * needs, where a runtime key is converted (and the public half derived again) on each signature.
   */
  public static final class IssuerKey {
    private final PrivateKey signingKey;
    private final String alg;
    private final String kid;

    private IssuerKey(PrivateKey signingKey, String alg, String kid) {
      this.signingKey = signingKey;
      this.alg = alg;
      this.kid = kid;
    }

    /** Parses and checks a private OKP (Ed25519) or EC (P-256) JWK. */
    public static IssuerKey of(String jwkPrivateJson) {
      PublicJsonWebKey jwk = privateJwk(jwkPrivateJson);
      String alg = algorithm(jwk);
      return new IssuerKey(EdDsaProvider.signingKey(alg, jwk.getPrivateKey()), alg, jwk.getKeyId());
    }

    /**
     * False while an Ed25519 key is the runtime's because the faster provider was not registered
     * yet: parse it again later.
     */
    public boolean heldByProvider() {
      return !AlgorithmIdentifiers.EDDSA.equals(alg) || EdDsaProvider.isProviderKey(signingKey);
    }

    String alg() {
      return alg;
    }

    String kid() {
      return kid;
    }

    PrivateKey signingKey() {
      return signingKey;
    }

    /** Names the key, never its private parts. */
    @Override
    public String toString() {
      return "IssuerKey[" + alg + (kid == null ? "" : ", kid " + kid) + "]";
    }
  }

  /** A new private Ed25519 JWK, as JSON. */
  public static String newEd25519Jwk(String kid) {
    try {
      OctetKeyPairJsonWebKey jwk =
          OkpJwkGenerator.generateJwk(OctetKeyPairJsonWebKey.SUBTYPE_ED25519);
      jwk.setKeyId(kid);
      return jwk.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE);
    } catch (JoseException e) {
      throw new IllegalStateException("Ed25519 is in every Java 17 runtime", e);
    }
  }

  /** The public half of a private JWK, as JSON: what a policy lists under its issuer. */
  public static String publicJwk(String privateJwkJson) {
    return privateJwk(privateJwkJson).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
  }

  private static PublicJsonWebKey privateJwk(String json) {
    JsonWebKey jwk;
    try {
      jwk = JsonWebKey.Factory.newJwk(json);
    } catch (JoseException e) {
      throw new IllegalArgumentException("not a JWK: " + e.getMessage(), e);
    }
    if (!(jwk instanceof PublicJsonWebKey pair) || pair.getPrivateKey() == null) {
      throw new IllegalArgumentException(
          "not a private OKP or EC JWK (kty " + jwk.getKeyType() + ")");
    }
    return pair;
  }

  private static String algorithm(PublicJsonWebKey jwk) {
    if (jwk instanceof OctetKeyPairJsonWebKey okp
        && OctetKeyPairJsonWebKey.SUBTYPE_ED25519.equals(okp.getSubtype())) {
      return AlgorithmIdentifiers.EDDSA;
    }
    if (jwk instanceof EllipticCurveJsonWebKey ec
        && EllipticCurves.P_256.equals(ec.getCurveName())) {
      return AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256;
    }
    throw new IllegalArgumentException(
        "issuer keys must be Ed25519 (OKP) or P-256 (EC), not kty " + jwk.getKeyType());
  }
}
