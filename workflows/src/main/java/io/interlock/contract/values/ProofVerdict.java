package io.interlock.contract.values;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the engine concluded about one proof, recorded in the history with the approval it proves.
 *
 * @param kind {@code ssh}, {@code jws}, or {@code claim} (no proof, accepted only where policy says
 *     {@code proof: claimed})
 * @param verified true only when the signature checked out against a key the policy lists
 * @param keyType for {@code ssh}: the key's algorithm, e.g. {@code ssh-ed25519}
 * @param keyFingerprint for {@code ssh}: {@code SHA256:<base64>}, as {@code ssh-keygen -l} prints
 *     it
 * @param issuer for {@code jws}: the trusted issuer that signed the token
 * @param statementDigest {@code sha256:<hex>} of the canonical statement the proof covers
 * @param problem why it did not verify (null when verified)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProofVerdict(
    String kind,
    boolean verified,
    String keyType,
    String keyFingerprint,
    String issuer,
    String statementDigest,
    String problem) {
  public static final String CLAIM = "claim";

  public static ProofVerdict claim(String statementDigest) {
    return new ProofVerdict(CLAIM, false, null, null, null, statementDigest, null);
  }

  public static ProofVerdict refused(String kind, String statementDigest, String problem) {
    return new ProofVerdict(kind, false, null, null, null, statementDigest, problem);
  }

  /**
   * How every surface shows it: "verified (ssh-ed25519 SHA256:…)", "verified (issuer x)",
   * "unverified claim".
   */
  public String label() {
    if (!verified) {
      return CLAIM.equals(kind) ? "unverified claim" : "refused (" + problem + ")";
    }
    return keyFingerprint != null
        ? "verified (" + keyType + " " + keyFingerprint + ")"
        : "verified (issuer " + issuer + ")";
  }
}
