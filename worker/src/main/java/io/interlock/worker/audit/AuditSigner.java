package io.interlock.worker.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.workflows.CanonicalJson;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/**
 * Signs an exported report: adds a top-level {@code signature} {@code {alg, keyId, signedAt, head,
 * jws}} whose compact JWS (EdDSA or ES256) carries the claims {@code report} ({@code sha256:<hex>}
 * of the canonical JSON of the report without {@code signature}), {@code head} (the chain head),
 * {@code task} and {@code iat}. The signature is not part of the hash chain; {@link
 * AuditVerification} checks both.
 */
public final class AuditSigner {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The only algorithms a report is signed with, and the only ones verification accepts. */
  public static final Set<String> ALGORITHMS =
      Set.of(AlgorithmIdentifiers.EDDSA, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);

  /** What the dev server and the CLI use when {@code interlock.audit.signing-key} is not set. */
  public static final String DEFAULT_KEY_FILE = ".interlock/keys/interlock-audit.jwk";

  /** The public half, next to it: what {@code interlock audit verify} checks with by default. */
  public static final String DEFAULT_PUBLIC_KEY_FILE = ".interlock/keys/interlock-audit.pub.jwk";

  private final PublicJsonWebKey key;
  private final String alg;
  private final String keyId;

  private AuditSigner(PublicJsonWebKey key, String alg, String keyId) {
    this.key = key;
    this.alg = alg;
    this.keyId = keyId;
  }

  /**
   * A signer for a private JWK (Ed25519 or P-256).
   *
   * @throws IllegalArgumentException when it is not such a key (the message never shows the key)
   */
  public static AuditSigner of(String privateJwkJson) {
    PublicJsonWebKey k;
    try {
      JsonWebKey jwk = JsonWebKey.Factory.newJwk(privateJwkJson);
      if (!(jwk instanceof PublicJsonWebKey p)) {
        throw new IllegalArgumentException(
            "the audit signing key is a "
                + jwk.getKeyType()
                + " key, not an Ed25519 or P-256 key pair");
      }
      k = p;
    } catch (JoseException e) {
      throw new IllegalArgumentException(
          "the audit signing key is not a JWK: " + e.getMessage(), e);
    }
    if (k.getPrivateKey() == null) {
      throw new IllegalArgumentException(
          "the audit signing key has no private part (that is the public key)");
    }
    return new AuditSigner(k, algorithm(k), keyId(k));
  }

  /**
   * Resolves a credential reference ({@code env:VAR} or {@code file:/path}, {@code ~/} being the
   * home folder); empty when the variable is unset or the file does not exist.
   *
   * @throws IllegalArgumentException when the reference is malformed, or names something that is
   *     not a usable private key
   */
  public static Optional<AuditSigner> fromReference(String ref) {
    if (ref == null || ref.isBlank()) {
      return Optional.empty();
    }
    Optional<String> key = io.interlock.worker.proof.KeyReference.read(ref);
    if (key.isEmpty()) {
      return Optional.empty();
    }
    String json = key.get();
    try {
      return Optional.of(of(json));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(ref + ": " + e.getMessage(), e);
    }
  }

  /** {@code ~/x} is the home folder; other paths as given. */
  static Path path(String file) {
    return io.interlock.worker.proof.KeyReference.path(file);
  }

  public String keyId() {
    return keyId;
  }

  public String alg() {
    return alg;
  }

  /** A copy of {@code report} with its {@code signature} (any previous one replaced). */
  public ObjectNode sign(JsonNode report, Instant now) {
    ObjectNode signed = ((ObjectNode) report).deepCopy();
    signed.remove("signature");
    // Signed as it will be read back: the digest is of the parsed export, not of in-memory nodes.
    ObjectNode parsed = reparse(signed);
    Instant at = now.truncatedTo(ChronoUnit.SECONDS);
    String head = parsed.path("chain").path("head").asText(null);
    JwtClaims claims = new JwtClaims();
    claims.setClaim("report", digest(parsed));
    if (head != null) {
      claims.setClaim("head", head);
    }
    String task = parsed.path("entries").path(0).path("detail").path("taskId").asText(null);
    if (task != null) {
      claims.setClaim("task", task);
    }
    claims.setClaim("format", parsed.path("format").asText(""));
    claims.setIssuedAt(NumericDate.fromSeconds(at.getEpochSecond()));
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setAlgorithmHeaderValue(alg);
    jws.setKeyIdHeaderValue(keyId);
    jws.setHeader("typ", "interlock-audit+jwt");
    jws.setKey(key.getPrivateKey());
    String compact;
    try {
      compact = jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException(
          "cannot sign the audit report with key " + keyId + ": " + e.getMessage(), e);
    }
    ObjectNode s = parsed.putObject("signature");
    s.put("alg", alg);
    s.put("keyId", keyId);
    s.put("signedAt", at.toString());
    s.put("head", head);
    s.put("jws", compact);
    return parsed;
  }

  /** The report's JSON export, signed now. */
  public String signedJson(AuditReport report) {
    return pretty(sign(report.toJsonTree(), Instant.now()));
  }

  static String pretty(JsonNode n) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code sha256:<hex>} of the canonical JSON of the report without its {@code signature}. */
  public static String digest(JsonNode report) {
    JsonNode copy = report;
    if (report.isObject() && report.has("signature")) {
      copy = report.deepCopy();
      ((ObjectNode) copy).remove("signature");
    }
    return CanonicalJson.sha256(CanonicalJson.of(copy));
  }

  private static ObjectNode reparse(ObjectNode n) {
    try {
      return (ObjectNode) JSON.readTree(JSON.writeValueAsString(n));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** EdDSA for Ed25519, ES256 for P-256; nothing else. */
  static String algorithm(JsonWebKey k) {
    if (k instanceof OctetKeyPairJsonWebKey okp
        && OctetKeyPairJsonWebKey.SUBTYPE_ED25519.equals(okp.getSubtype())) {
      return AlgorithmIdentifiers.EDDSA;
    }
    if (k instanceof EllipticCurveJsonWebKey ec && EllipticCurves.P_256.equals(ec.getCurveName())) {
      return AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256;
    }
    throw new IllegalArgumentException(
        "audit keys must be Ed25519 (OKP) or P-256 (EC), not "
            + k.getKeyType()
            + (k instanceof EllipticCurveJsonWebKey ec ? " " + ec.getCurveName() : "")
            + (k instanceof OctetKeyPairJsonWebKey okp ? " " + okp.getSubtype() : ""));
  }

  /** The JWK's {@code kid}, or else its RFC 7638 SHA-256 thumbprint. */
  static String keyId(JsonWebKey k) {
    if (k.getKeyId() != null && !k.getKeyId().isBlank()) {
      return k.getKeyId();
    }
    return k.calculateBase64urlEncodedThumbprint("SHA-256");
  }

  /**
   * The public keys in a JWK or JWKS (private parts dropped, so the private file works too).
   *
   * @throws IllegalArgumentException when it is neither
   */
  public static List<PublicJsonWebKey> publicKeys(String json) {
    List<PublicJsonWebKey> out = new ArrayList<>();
    try {
      List<JsonWebKey> keys =
          json.contains("\"keys\"")
              ? new JsonWebKeySet(json).getJsonWebKeys()
              : List.of(JsonWebKey.Factory.newJwk(json));
      for (JsonWebKey k : keys) {
        if (k instanceof PublicJsonWebKey p) {
          PublicJsonWebKey pub =
              PublicJsonWebKey.Factory.newPublicJwk(
                  p.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
          if (pub.getKeyId() == null && p.getKeyId() != null) {
            pub.setKeyId(p.getKeyId());
          }
          out.add(pub);
        }
      }
    } catch (JoseException e) {
      throw new IllegalArgumentException("not a JWK or JWKS: " + e.getMessage(), e);
    }
    return out;
  }
}
