package io.interlock.contract.values;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Proof that an identity made one statement (an approval, a rejection, a task request): an SSH
 * signature ({@code ssh-keygen -Y sign -n interlock-approval}) or a compact JWS from an issuer the
 * policy trusts. {@code interlock sign} prints one; the Interlock API issues one per approval it
 * relays.
 *
 * @param kind {@code ssh} or {@code jws}
 * @param signature for {@code ssh}: the armored {@code -----BEGIN SSH SIGNATURE-----} block
 * @param token for {@code jws}: the compact JWS (EdDSA or ES256)
 * @param issuedAt ISO-8601 UTC, seconds precision ({@code 2026-11-30T19:00:00Z}); part of the
 *     statement
 * @param expiresAt ISO-8601 UTC; no later than the step's deadline; part of the statement
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApprovalProof(
    String kind, String signature, String token, String issuedAt, String expiresAt) {
  public static final String SSH = "ssh";
  public static final String JWS = "jws";

  public static ApprovalProof ssh(String signature, String issuedAt, String expiresAt) {
    return new ApprovalProof(SSH, signature, null, issuedAt, expiresAt);
  }

  public static ApprovalProof jws(String token, String issuedAt, String expiresAt) {
    return new ApprovalProof(JWS, null, token, issuedAt, expiresAt);
  }
}
